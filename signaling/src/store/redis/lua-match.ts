/**
 * The match step's script: the hot path, so it stands alone instead of carrying the shared library
 * (defining the library's ~40 functions and tables costs more Redis CPU than a whole offer). It keeps
 * the rules of queue/matching.ts and writes the same records, indexes and events as lua-lib.ts's
 * put_ticket/put_clerk would for the two `offer` transitions.
 *
 * Inside a script each redis.call costs ~1–2 µs of Redis CPU whatever the command does (argv objects,
 * command lookup, stats, the reply converted to Lua), more than the small commands themselves, so the
 * script is built to make few calls (see bench/README.md, "match"):
 * - no JSON is decoded or encoded: tickets and clerks are hashes (records.ts); the match reads only
 *   the plain fields it needs (one HMGET each), writes only the fields an offer changes (one HSET
 *   each), and splices the records' stored JSON (`s`, clerk view `v`) into the events and the reply;
 * - an offer writes no per-state counts: available clerks per queue live in one hash `avn`, read
 *   with each page of `active` (a queue nobody can serve costs no call) and written once per call;
 *   offered clerks are derived on read (clerk_counts);
 * - `active` (queue key → sort key of its head ticket) is read a page at a time (8, 16 … 64) and kept
 *   in the script; the queues whose head moved, and all offer deadlines, are written once per call;
 * - a queue's settings and staffed levels come from one HGETALL of `qc:<queue>`, once per call;
 * - a queue's first two tickets are read with their scores: offering the head gives the queue's new
 *   place in `active` without another read; deeper pages (4, 16 … up to the scan depth) only when the
 *   heads do not match;
 * - a queue that yielded no offer is not tried again in the same call (nothing in a match step can
 *   make it match: clerks only leave availability), so a batch never rescans dead queues;
 * - the call's events go out in one PUBLISH.
 * Usual offer: 4 reads (waiting head, ticket, available head, clerk) and 3 + one per skill of the
 * clerk writes (ticket, waiting set, clerk, available sets), plus the queue's HGETALL once per call;
 * per call: `active` and `avn` read, `active`, `offers` and `avn` written, PUBLISH (bench: ~9 calls
 * per offer in batches of 16, ~17 for one offer per call; the JSON script made ~19 and ~24).
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
local find, sub, gmatch, byte, jstr = string.find, string.sub, string.gmatch, string.byte, cjson.encode

-- (few local functions: each is a closure made again on every call, ~1 µs of Redis CPU apiece here)
local NOWS = string.format('%.14g', NOW)

-- settings and staffed levels (fields L<level>) of a queue, once per call: an offer changes neither
local function queue(q)
  local c = queues[q]
  if c then return c end
  local flat = redis.call('HGETALL', P .. 'qc:' .. q)
  local levels = {}
  c = { timeout = 15, tier = 0, levels = levels }
  for i = 1, #flat, 2 do
    local f = flat[i]
    if byte(f, 1) == 76 then
      if tonumber(flat[i + 1]) > 0 then levels[#levels + 1] = tonumber(sub(f, 2)) end
    elseif f == 'offerTimeoutSeconds' then c.timeout = tonumber(flat[i + 1])
    elseif f == 'tierStepSeconds' then c.tier = tonumber(flat[i + 1]) end
  end
  table.sort(levels)
  c.best = levels[1] or 10
  queues[q] = c
  return c
end

-- the plain fields of a clerk the match needs (records.ts), once per call; false when gone or taken
local function clerk(id)
  local c = clerks[id]
  if c == nil then
    local f = redis.call('HMGET', P .. 'c:' .. id, 'state', 'nb', 'lang', 'acc', 'sk', 'v', 'cd', 'calls', 'talk')
    if f[1] then
      c = { id = id, state = f[1], nb = tonumber(f[2]), lang = f[3], acc = f[4], sk = f[5], v = f[6], cd = f[7], calls = f[8], talk = f[9] }
    else
      c = false
    end
    clerks[id] = c
  end
  return c
end

local function waiting_ticket(id)
  local f = redis.call('HMGET', P .. 't:' .. id, 'state', 'drop', 'lang', 'acc', 'qat', 'q', 's')
  -- an index entry the record disagrees with is skipped, never offered
  if f[1] ~= 'waiting' or f[2] ~= '' then return nil end
  return { id = id, langk = ',' .. f[3] .. ',', acc = f[4], qat = tonumber(f[5]), queue = f[6], s = f[7] }
end

-- \`active\` as the script sees it: entries { key, score (number), raw score } in order, read from
-- Redis a page at a time; the Redis set is written only at the end, so pages stay consistent
local act = {}
local act_read, act_more, act_last = 0, true, nil
local moved = {} -- key → new raw head score, or false when its waiting set emptied
-- by score, equal scores by member bytes as Redis orders them (Lua's < on strings follows the locale)
local function before(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  local x, y = a[1], b[1]
  for i = 1, math.min(#x, #y) do
    local u, v = byte(x, i), byte(y, i)
    if u ~= v then return u < v end
  end
  return #x < #y
end
local function insert(e)
  local i = #act + 1
  while i > 1 and before(e, act[i - 1]) do i = i - 1 end
  table.insert(act, i, e)
end
-- available clerks per queue (avn): read with each page of \`active\`, so a queue nobody can serve
-- costs nothing; offers count down \`taken\`, written back once at the end
local avn, taken = {}, {}
local dead = {}
local page_size = 8
local function best_key()
  while true do
    local e = act[1]
    if e and (not act_more or not before(act_last, e)) then return e end
    if not act_more then return nil end
    local page = redis.call('ZRANGE', P .. 'active', act_read, act_read + page_size - 1, 'WITHSCORES')
    act_read = act_read + page_size
    act_more = #page == 2 * page_size
    page_size = math.min(page_size * 2, 64)
    local qs = {}
    for i = 1, #page, 2 do
      local k = page[i]
      if byte(k, 1) ~= 64 and avn[k] == nil then qs[#qs + 1] = k end
    end
    if #qs > 0 then
      local n = redis.call('HMGET', P .. 'avn', unpack(qs))
      for i = 1, #qs do avn[qs[i]] = tonumber(n[i]) or 0 end
    end
    for i = 1, #page, 2 do
      local k = page[i]
      local ne = { k, tonumber(page[i + 1]), page[i + 1] }
      act_last = ne
      if moved[k] == nil and not dead[k] then
        if byte(k, 1) == 64 or avn[k] + (taken[k] or 0) > 0 then insert(ne) else dead[k] = true end
      end
    end
  end
end

local reply = {}
local made = 0
local deadlines = {}
-- the two offer transitions (queue/ticket.ts, queue/clerk.ts) and their index moves.
-- head: t was its waiting set's head; then nxt_score is the next ticket's (nil: the set is empty)
local function make_offer(t, c, key, timeout, head, nxt_score)
  local deadline = NOW + timeout * 1000
  local dls = string.format('%.14g', deadline)
  redis.call('HSET', P .. 't:' .. t.id, 'state', 'offered', 'since', NOWS, 'to', c.id, 'dl', dls)
  redis.call('ZREM', P .. 'w:' .. key, t.id)
  redis.call('HSET', P .. 'c:' .. c.id, 'state', 'offered', 'since', NOWS, 'ot', t.id, 'odl', dls, 'lo', NOWS)
  for q, level in gmatch(c.sk, '(%S+):(%d+)') do
    redis.call('ZREM', P .. 'av:' .. q .. ':' .. level, c.id)
    taken[q] = (taken[q] or 0) - 1
    if not touched[q] then touched[q] = true touched_list[#touched_list + 1] = q end
  end
  deadlines[#deadlines + 1] = dls
  deadlines[#deadlines + 1] = c.id
  clerks[c.id] = false
  if not touched[t.queue] then touched[t.queue] = true touched_list[#touched_list + 1] = t.queue end
  local e = table.remove(act, 1)
  if head then
    moved[key] = nxt_score or false
    if nxt_score then insert({ key, tonumber(nxt_score), nxt_score }) end
  else
    insert(e)
  end

  -- the reply and the events as fragments joined once (every new Lua string is hashed in full, so
  -- no intermediate record, offer or event string is built): the stored JSON is spliced in
  local cid = jstr(c.id)
  local offer = { '{"clerkId":', cid, ',"ticket":{"state":"offered","stateSince":', NOWS, ',"offeredTo":', cid,
    ',"offerDeadline":', dls, ',', sub(t.s, 2), ',"offeredAt":', NOWS, ',"deadline":', dls, '}' }
  local r = #reply
  if r > 0 then r = r + 1 reply[r] = ',' end
  for i = 1, #offer do reply[r + i] = offer[i] end
  local n = #events
  if n > 0 then n = n + 1 events[n] = ',' end
  events[n + 1] = '{"type":"ticket:moved","ticketId":'
  events[n + 2] = jstr(t.id)
  events[n + 3] = ',"queue":'
  events[n + 4] = jstr(t.queue)
  events[n + 5] = ',"state":"offered","reason":"offered"},{"type":"clerk:state-changed","clerk":{"state":"offered","stateSince":'
  events[n + 6] = NOWS
  events[n + 7] = ',"callsToday":'
  local today = c.cd == DAY
  events[n + 8] = today and c.calls or '0'
  events[n + 9] = ',"talkSecondsToday":'
  events[n + 10] = today and c.talk or '0'
  events[n + 11] = ','
  events[n + 12] = sub(c.v, 2)
  events[n + 13] = '},{"type":"offer:made","offer":'
  n = n + 13
  for i = 1, #offer do events[n + i] = offer[i] end
  events[n + #offer + 1] = '}'
  made = made + 1
  return true
end

-- a clerk of the queue for ticket t: best level first (tiers), then the strategy order (av sets)
local function pick_clerk(q, cfg, t)
  local waited = NOW - t.qat
  for _, level in ipairs(cfg.levels) do
    if level > cfg.best and waited < (level - cfg.best) * cfg.tier * 1000 then return nil end
    local key = P .. 'av:' .. q .. ':' .. level
    local from, page = 0, 1
    while from < DEPTH do
      local to = math.min(from + page, DEPTH) - 1
      local ids = redis.call('ZRANGE', key, from, to)
      for i = 1, #ids do
        local c = clerk(ids[i])
        -- eligible: available, past any reject delay, speaks the language, meets every need
        -- (languages and needs are stored as ",a,b," for the clerk and "a,b" for the ticket)
        if c and c.state == 'available' and c.nb <= NOW and find(c.lang, t.langk, 1, true) then
          local ok = true
          if t.acc ~= '' then
            for need in gmatch(t.acc, '[^,]+') do
              if not find(c.acc, ',' .. need .. ',', 1, true) then ok = false break end
            end
          end
          if ok then return c end
        end
      end
      if #ids < to - from + 1 then break end
      from = to + 1
      page = page * 4
    end
  end
  return nil
end

local function try_queue(q)
  if avn[q] + (taken[q] or 0) <= 0 then return false end
  local cfg = queue(q)
  local wkey = P .. 'w:' .. q
  -- the head and the one after it, with scores: offering the head then moves \`active\` without a read
  local h = redis.call('ZRANGE', wkey, 0, 1, 'WITHSCORES')
  for i = 1, #h, 2 do
    local t = waiting_ticket(h[i])
    if t then
      local c = pick_clerk(q, cfg, t)
      if c then return make_offer(t, c, q, cfg.timeout, i == 1, h[i + 3]) end
    end
  end
  if #h < 4 then return false end
  local from, page = 2, 4
  while from < DEPTH do
    local to = math.min(from + page, DEPTH) - 1
    local ids = redis.call('ZRANGE', wkey, from, to)
    for i = 1, #ids do
      local t = waiting_ticket(ids[i])
      if t then
        local c = pick_clerk(q, cfg, t)
        if c then return make_offer(t, c, q, cfg.timeout, false) end
      end
    end
    if #ids < to - from + 1 then return false end
    from = to + 1
    page = page * 4
  end
  return false
end

-- a ticket transferred to a named clerk: only that clerk, no language, skill or tier check
local function try_direct(key)
  local c = clerk(sub(key, 2))
  if not c or c.state ~= 'available' or c.nb > NOW then return false end
  local h = redis.call('ZRANGE', P .. 'w:' .. key, 0, 1, 'WITHSCORES')
  local t = h[1] and waiting_ticket(h[1])
  if not t then return false end
  return make_offer(t, c, key, queue(t.queue).timeout, true, h[4])
end

while made < LIMIT do
  local e = best_key()
  if not e then break end
  local key = e[1]
  local made
  if byte(key, 1) == 64 then made = try_direct(key) else made = try_queue(key) end
  if not made then
    dead[key] = true
    table.remove(act, 1)
  end
end
if #deadlines > 0 then
  -- one command for many members, in chunks that unpack can take
  local function many(cmd, key, args)
    for i = 1, #args, 4000 do redis.call(cmd, key, unpack(args, i, math.min(i + 3999, #args))) end
  end
  many('ZADD', P .. 'offers', deadlines)
  local heads, gone = {}, {}
  for k, v in pairs(moved) do
    if v then heads[#heads + 1] = v heads[#heads + 1] = k else gone[#gone + 1] = k end
  end
  if #heads > 0 then many('ZADD', P .. 'active', heads) end
  if #gone > 0 then many('ZREM', P .. 'active', gone) end
  -- new avn values: known for the queues a page read, the others (a clerk's other skills) read now
  local unread, vals = {}, {}
  for q, d in pairs(taken) do
    if avn[q] then vals[#vals + 1] = q vals[#vals + 1] = avn[q] + d else unread[#unread + 1] = q end
  end
  for from = 1, #unread, 2000 do
    local n = redis.call('HMGET', P .. 'avn', unpack(unread, from, math.min(from + 1999, #unread)))
    for i = 1, #n do
      local q = unread[from + i - 1]
      vals[#vals + 1] = q
      vals[#vals + 1] = (tonumber(n[i]) or 0) + taken[q]
    end
  end
  many('HSET', P .. 'avn', vals)
  events[#events + 1] = ',{"type":"stats:changed","queues":'
  events[#events + 1] = jstr(touched_list)
  events[#events + 1] = '}]'
  redis.call('PUBLISH', P .. 'events', '[' .. table.concat(events))
end
return '{"ok":[' .. table.concat(reply) .. ']}'
`;
