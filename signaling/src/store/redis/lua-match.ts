/**
 * The match step's script: the hot path, so it stands alone instead of carrying the shared library
 * (defining the library's ~40 functions and tables costs more Redis CPU than a whole offer). It keeps
 * the rules of queue/matching.ts and writes the same records, indexes and events as lua-lib.ts's
 * put_ticket/put_clerk would for the two `offer` transitions.
 *
 * What makes it cheap (see bench/README.md, "match"):
 * - it reads only heads: the best queue from `active` (queue key → sort key of its head ticket), then
 *   tickets and clerks one page at a time (1, 4, 16 … up to the scan depth), so the usual offer reads
 *   one ticket and one clerk;
 * - queue settings come from small hashes `qc:<queue>` (no JSON), staffed levels from `lvl:<queue>`,
 *   both read once per call;
 * - the offered ticket's JSON is encoded once and spliced into the event and the reply;
 * - a queue that yielded no offer is not tried again in the same call (nothing in a match step can
 *   make it match: clerks only leave availability), so a batch never rescans dead queues.
 * ARGV: 1 now · 2 day · 3, 4, 5 (retention, grace, reject delay: unused here) · 6 scan depth · 7 most offers.
 * Reply: `{"ok":[offer, …]}`.
 */
export const LUA_MATCH = `
local P = KEYS[1]
local NOW = tonumber(ARGV[1])
local DAY = ARGV[2]
local DEPTH = tonumber(ARGV[6])
local LIMIT = tonumber(ARGV[7])
local events = {}
local touched, touched_list = {}, {}
local queues = {}
local clerks = {}

local function num(n) return string.format('%.14g', n) end
local function touch(q)
  if not touched[q] then touched[q] = true touched_list[#touched_list + 1] = q end
end
local function has(list, x)
  for i = 1, #list do if list[i] == x then return true end end
  return false
end

-- settings and staffed levels of a queue, once per call (an offer changes neither)
local function queue(q)
  local c = queues[q]
  if c then return c end
  local f = redis.call('HMGET', P .. 'qc:' .. q, 'offerTimeoutSeconds', 'tierStepSeconds')
  local flat = redis.call('HGETALL', P .. 'lvl:' .. q)
  local levels = {}
  for i = 1, #flat, 2 do
    if tonumber(flat[i + 1]) > 0 then levels[#levels + 1] = tonumber(flat[i]) end
  end
  table.sort(levels)
  c = { timeout = tonumber(f[1]) or 15, tier = tonumber(f[2]) or 0, levels = levels, best = levels[1] or 10 }
  queues[q] = c
  return c
end

local function clerk(id)
  local c = clerks[id]
  if c == nil then
    local raw = redis.call('HGET', P .. 'c', id)
    c = raw and cjson.decode(raw) or false
    clerks[id] = c
  end
  return c
end

local function eligible(c, t)
  if c.state ~= 'available' or c.notBefore > NOW then return false end
  if not has(c.languages, t.language) then return false end
  for _, need in ipairs(t.accessibility) do
    if not has(c.accessibility, need) then return false end
  end
  return true
end

-- fn(member) over the first DEPTH members of a sorted set, read in growing pages; first truthy result
local function scan(key, fn)
  local from, page = 0, 1
  while from < DEPTH do
    local to = math.min(from + page, DEPTH) - 1
    local ids = redis.call('ZRANGE', key, from, to)
    for i = 1, #ids do
      local r = fn(ids[i])
      if r then return r end
    end
    if #ids < to - from + 1 then return nil end
    from = to + 1
    page = page * 4
  end
  return nil
end

local function view(c)
  local today = c.countersDay == DAY
  return { id = c.id, displayName = c.displayName, office = c.office, skills = c.skills, languages = c.languages,
    accessibility = c.accessibility, state = c.state, awayReason = c.awayReason, stateSince = c.stateSince,
    callsToday = today and c.callsToday or 0, talkSecondsToday = today and c.talkSecondsToday or 0,
    currentCall = c.currentCall }
end

-- the two offer transitions (queue/ticket.ts, queue/clerk.ts) and their index moves, as one write
local function make_offer(t, c, key, timeout)
  local deadline = NOW + timeout * 1000
  t.state = 'offered' t.stateSince = NOW t.offeredTo = c.id t.offerDeadline = deadline
  local tj = cjson.encode(t)
  redis.call('HSET', P .. 't', t.id, tj)
  redis.call('ZREM', P .. 'w:' .. key, t.id)
  local h = redis.call('ZRANGE', P .. 'w:' .. key, 0, 0, 'WITHSCORES')
  if h[1] then redis.call('ZADD', P .. 'active', h[2], key) else redis.call('ZREM', P .. 'active', key) end
  events[#events + 1] = cjson.encode({ type = 'ticket:moved', ticketId = t.id, queue = t.queue, state = 'offered', reason = 'offered' })
  touch(t.queue)

  c.state = 'offered' c.stateSince = NOW c.offerTicket = t.id c.offerDeadline = deadline c.lastOfferAt = NOW
  clerks[c.id] = false
  for _, s in ipairs(c.skills) do
    local cnt = P .. 'cnt:' .. s.queue
    redis.call('HINCRBY', cnt, 'available', -1)
    redis.call('HINCRBY', cnt, 'offered', 1)
    redis.call('ZREM', P .. 'av:' .. s.queue .. ':' .. s.level, c.id)
    touch(s.queue)
  end
  redis.call('HSET', P .. 'c', c.id, cjson.encode(c))
  redis.call('ZADD', P .. 'offers', deadline, c.id)
  events[#events + 1] = cjson.encode({ type = 'clerk:state-changed', clerk = view(c) })

  local offer = '{"clerkId":' .. cjson.encode(c.id) .. ',"ticket":' .. tj .. ',"offeredAt":' .. num(NOW) .. ',"deadline":' .. num(deadline) .. '}'
  events[#events + 1] = '{"type":"offer:made","offer":' .. offer .. '}'
  return offer
end

local function waiting_ticket(id)
  local raw = redis.call('HGET', P .. 't', id)
  if not raw then return nil end
  local t = cjson.decode(raw)
  -- an index entry the record disagrees with is skipped, never offered
  if t.state ~= 'waiting' or t.dropDeadline ~= cjson.null then return nil end
  return t
end

local function try_queue(q)
  if tonumber(redis.call('HGET', P .. 'cnt:' .. q, 'available') or '0') <= 0 then return nil end
  local cfg = queue(q)
  return scan(P .. 'w:' .. q, function(tid)
    local t = waiting_ticket(tid)
    if not t then return nil end
    local waited = NOW - t.queuedAt
    for _, level in ipairs(cfg.levels) do
      if level > cfg.best and waited < (level - cfg.best) * cfg.tier * 1000 then break end
      local c = scan(P .. 'av:' .. q .. ':' .. level, function(cid)
        local c = clerk(cid)
        if c and eligible(c, t) then return c end
        return nil
      end)
      if c then return make_offer(t, c, q, cfg.timeout) end
    end
    return nil
  end)
end

-- a ticket transferred to a named clerk: only that clerk, no language, skill or tier check
local function try_direct(key)
  local c = clerk(string.sub(key, 2))
  if not c or c.state ~= 'available' or c.notBefore > NOW then return nil end
  local head = redis.call('ZRANGE', P .. 'w:' .. key, 0, 0)
  local t = head[1] and waiting_ticket(head[1])
  if not t then return nil end
  return make_offer(t, c, key, queue(t.queue).timeout)
end

local offers = {}
local dead = {}
while #offers < LIMIT do
  local made = nil
  local from = 0
  repeat
    local keys = redis.call('ZRANGE', P .. 'active', from, from + 7)
    for _, key in ipairs(keys) do
      if not dead[key] then
        if string.byte(key, 1) == 64 then made = try_direct(key) else made = try_queue(key) end
        if made then break end
        dead[key] = true
      end
    end
    from = from + 8
  until made or #keys < 8
  if not made then break end
  offers[#offers + 1] = made
end
if #events > 0 then
  events[#events + 1] = cjson.encode({ type = 'stats:changed', queues = touched_list })
  redis.call('PUBLISH', P .. 'events', '[' .. table.concat(events, ',') .. ']')
end
return '{"ok":[' .. table.concat(offers, ',') .. ']}'
`;
