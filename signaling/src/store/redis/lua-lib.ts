/**
 * Lua shared by every RedisStore step: the same records, state machines and indexes as the pure desk
 * (queue/desk.ts, clerk.ts, ticket.ts), kept in Redis. Each step script is this library plus one
 * body; a step checks first (raising a typed error before any write) and then writes, so it is atomic.
 *
 * Keys (all under the prefix KEYS[1], a hash tag so a cluster keeps them in one slot):
 *   t:<ticket>, c:<clerk> (one hash per record, see records.ts: field s holds the JSON of the fields the match
 *   step never writes, the match-hot fields apart, and copies of what the match reads as plain fields)
 *   clerks (set of clerk ids) · sec (hash ticket → resume secret) · call (hash call → JSON)
 *   w:<queue|@clerk> (zset waiting tickets by sort key) · active (zset queue key → head sort key)
 *   av:<queue>:<level> (zset available clerks by strategy key) · avn (hash queue → available clerks,
 *   which the match step reads for a page of queues at once and writes once per call) · cnt:<queue>
 *   (hash state → clerks for the other states; offered = staffed − the rest, so an offer writes no count)
 *   offers, drops, wrap (zsets by deadline)
 *   qc:<queue> (hash: strategy, offerTimeoutSeconds, wrapUpSeconds, targetAnswerSeconds, tierStepSeconds
 *   written at start, and L<level> → staffed clerks of that skill level, so the match step reads a
 *   queue with one HGETALL) · day:<day>:<queue> (hash counters, 8-day TTL) · ans:, ansin:, arr:<queue> (15-min
 *   windows) · aht:<queue> (list of recent handle seconds) · calls:active (set) · callseq, ref:<year>
 *   closed, closedcalls (zsets: closed tickets / ended calls by when; the sweep forgets them after the retention)
 * ARGV: 1 now · 2 day · 3 retention ms · 4 drop grace ms · 5 reject delay ms · 6 scan depth (match only) · 7… step args.
 */
import { PRIORITY_BOOST_SECONDS } from '../../queue/score';
import { RECENT_HANDLES, WINDOW_MS } from '../../queue/stats';

const boosts = Object.entries(PRIORITY_BOOST_SECONDS)
  .map(([k, v]) => `${k}=${v}`)
  .join(', ');

export const LUA_LIB = `
local P = KEYS[1]
local NOW = tonumber(ARGV[1])
local DAY = ARGV[2]
local RETENTION = tonumber(ARGV[3])
local GRACE = tonumber(ARGV[4])
local REJECT = tonumber(ARGV[5])
local NULL = cjson.null
local WINDOW = ${WINDOW_MS}
local BOOST = { ${boosts} }
local events = {}
local touched = {}
local touched_list = {}

local function throw(code, msg) error({ code = code, msg = msg }) end
local function isnull(v) return v == nil or v == NULL end
local function copy(t) local r = {} for k, v in pairs(t) do r[k] = v end return r end
local function jget(hash, id)
  local v = redis.call('HGET', P .. hash, id)
  if v then return cjson.decode(v) end
  return nil
end
local function opt(v) if isnull(v) then return '' end return v end
local function unopt(v, number)
  if not v or v == '' then return NULL end
  if number then return tonumber(v) end
  return v
end
-- records as hashes (records.ts): the static JSON \`s\`, the fields the match step writes, read copies
local T_HOT = { state = true, stateSince = true, offeredTo = true, offerDeadline = true }
local C_HOT = { state = true, stateSince = true, offerTicket = true, offerDeadline = true, lastOfferAt = true }
local function get_ticket(id)
  local f = redis.call('HMGET', P .. 't:' .. id, 's', 'state', 'since', 'to', 'dl')
  if not f[1] then return nil end
  local t = cjson.decode(f[1])
  t.state = f[2] t.stateSince = tonumber(f[3]) t.offeredTo = unopt(f[4]) t.offerDeadline = unopt(f[5], true)
  return t
end
local function write_ticket(t)
  local s = {}
  for k, v in pairs(t) do if not T_HOT[k] then s[k] = v end end
  redis.call('HSET', P .. 't:' .. t.id, 's', cjson.encode(s), 'state', t.state, 'since', t.stateSince,
    'to', opt(t.offeredTo), 'dl', opt(t.offerDeadline), 'q', t.queue, 'lang', t.language,
    'acc', table.concat(t.accessibility, ','), 'qat', t.queuedAt, 'drop', opt(t.dropDeadline))
end
local function get_clerk(id)
  local f = redis.call('HMGET', P .. 'c:' .. id, 's', 'state', 'since', 'ot', 'odl', 'lo')
  if not f[1] then return nil end
  local c = cjson.decode(f[1])
  c.state = f[2] c.stateSince = tonumber(f[3]) c.offerTicket = unopt(f[4]) c.offerDeadline = unopt(f[5], true)
  c.lastOfferAt = tonumber(f[6])
  return c
end
local function write_clerk(c)
  local s = {}
  for k, v in pairs(c) do if not C_HOT[k] then s[k] = v end end
  local sk = {}
  for i, x in ipairs(c.skills) do sk[i] = x.queue .. ':' .. x.level end
  local v = { id = c.id, displayName = c.displayName, office = c.office, skills = c.skills, languages = c.languages,
    accessibility = c.accessibility, awayReason = c.awayReason, currentCall = c.currentCall }
  redis.call('HSET', P .. 'c:' .. c.id, 's', cjson.encode(s), 'state', c.state, 'since', c.stateSince,
    'ot', opt(c.offerTicket), 'odl', opt(c.offerDeadline), 'lo', c.lastOfferAt, 'nb', c.notBefore,
    'lang', ',' .. table.concat(c.languages, ',') .. ',', 'acc', ',' .. table.concat(c.accessibility, ',') .. ',',
    'sk', table.concat(sk, ' '), 'v', cjson.encode(v), 'cd', c.countersDay, 'calls', c.callsToday, 'talk', c.talkSecondsToday)
end
local function emit(e) events[#events + 1] = e end
local function touch(q)
  if not touched[q] then touched[q] = true touched_list[#touched_list + 1] = q end
end
local cfg_cache = {}
-- a queue's settings, from the small hash qc:<queue> written at start (store.ts)
local function qcfg(q)
  local c = cfg_cache[q]
  if c == nil then
    local f = redis.call('HMGET', P .. 'qc:' .. q, 'strategy', 'offerTimeoutSeconds', 'wrapUpSeconds', 'targetAnswerSeconds')
    if not f[1] then throw('UNKNOWN_QUEUE', 'unknown queue ' .. q) end
    c = { strategy = f[1], offerTimeoutSeconds = tonumber(f[2]), wrapUpSeconds = tonumber(f[3]), targetAnswerSeconds = tonumber(f[4]) }
    cfg_cache[q] = c
  end
  return c
end
local function need_ticket(id)
  local t = get_ticket(id)
  if not t then throw('TICKET_NOT_FOUND', 'no ticket ' .. id) end
  return t
end
local function need_clerk(id)
  local c = get_clerk(id)
  if not c then throw('UNKNOWN_CLERK', 'no clerk ' .. id) end
  return c
end
local function need_call(id)
  local c = jget('call', id)
  if not c then throw('CALL_NOT_FOUND', 'no call ' .. id) end
  return c
end

local function view(c)
  local today = c.countersDay == DAY
  return { id = c.id, displayName = c.displayName, office = c.office, skills = c.skills, languages = c.languages,
    accessibility = c.accessibility, state = c.state, awayReason = c.awayReason, stateSince = c.stateSince,
    callsToday = today and c.callsToday or 0, talkSecondsToday = today and c.talkSecondsToday or 0,
    currentCall = c.currentCall }
end

-- ticket state machine (queue/ticket.ts)
local TICKET_ALLOWED = {
  waiting = { offer = 1, drop = 1, resume = 1, cancel = 1, drop_expired = 1 },
  offered = { offer_returned = 1, accept = 1, cancel = 1, drop = 1 },
  connected = { ['end'] = 1, transfer = 1 }, ended = {}, abandoned = {}, expired = {} }
local FINAL = { ended = true, abandoned = true, expired = true }
local function ticket_tr(t, ev)
  if not TICKET_ALLOWED[t.state][ev.type] then
    if FINAL[t.state] then throw('TICKET_CLOSED', 'ticket ' .. t.id .. ' is ' .. t.state) end
    throw('CONFLICT', 'ticket ' .. t.id .. ' is ' .. t.state .. ': cannot ' .. ev.type)
  end
  local r = copy(t)
  local ty = ev.type
  if ty == 'offer' then r.state = 'offered' r.stateSince = NOW r.offeredTo = ev.clerkId r.offerDeadline = ev.deadline
  elseif ty == 'offer_returned' then r.offeredTo = NULL r.offerDeadline = NULL r.state = 'waiting' r.stateSince = NOW
  elseif ty == 'accept' then r.offeredTo = NULL r.offerDeadline = NULL r.state = 'connected' r.stateSince = NOW r.callId = ev.callId r.dropDeadline = NULL
  elseif ty == 'drop' then
    r.offeredTo = NULL r.offerDeadline = NULL r.state = 'waiting' r.dropDeadline = ev.deadline
    if t.state ~= 'waiting' then r.stateSince = NOW end
  elseif ty == 'resume' then r.dropDeadline = NULL
  elseif ty == 'cancel' then r.offeredTo = NULL r.offerDeadline = NULL r.state = 'abandoned' r.stateSince = NOW r.dropDeadline = NULL r.closedReason = 'cancelled'
  elseif ty == 'drop_expired' then r.state = 'expired' r.stateSince = NOW r.dropDeadline = NULL r.closedReason = 'connection lost'
  elseif ty == 'end' then r.state = 'ended' r.stateSince = NOW r.closedReason = ev.reason
  elseif ty == 'transfer' then
    r.state = 'waiting' r.stateSince = NOW r.queue = ev.queue r.queuedAt = NOW r.priority = ev.priority
    r.score = t.enqueuedAt - BOOST[ev.priority] * 1000 r.directClerk = ev.directClerk r.transferNote = ev.note r.callId = NULL
    r.room = 'room-after-' .. (isnull(t.callId) and t.id or t.callId) -- nextCallRoom (queue/ticket.ts)
  end
  return r
end

-- clerk state machine (queue/clerk.ts)
local CLERK_ALLOWED = {
  offline = { request = 1 }, available = { request = 1, offer = 1 },
  offered = { request = 1, accept = 1, decline = 1, offer_timeout = 1, offer_withdrawn = 1 },
  busy = { call_end = 1 }, wrap_up = { request = 1, wrapup_done = 1, wrapup_expired = 1 }, away = { request = 1 } }
local STAFFED = { available = true, offered = true, busy = true, wrap_up = true }
-- cnt:<queue> counts these; available and offered are derived (clerk_counts), so an offer writes no count
local COUNTED = { offline = true, busy = true, wrap_up = true, away = true }
local function enter(c, target)
  local r = copy(c)
  local reason = NULL
  if target.state == 'away' then reason = target.reason end
  r.state = target.state r.awayReason = reason r.wrapUpUntil = NULL
  if c.state ~= target.state or c.awayReason ~= reason then r.stateSince = NOW end
  if target.state == 'available' and c.state ~= 'available' then r.idleSince = NOW end
  return r
end
local function no_offer(r) r.offerTicket = NULL r.offerDeadline = NULL return r end
local function clerk_tr(c, ev)
  local ty = ev.type
  if not CLERK_ALLOWED[c.state][ty] then throw('CONFLICT', 'clerk ' .. c.id .. ' is ' .. c.state .. ': cannot ' .. ty) end
  local r
  if ty == 'request' then
    if c.state == 'wrap_up' then r = copy(c) r.afterWrapUp = ev.requested return r end
    if c.state == 'offered' and ev.requested.state == 'available' then
      throw('CONFLICT', 'clerk ' .. c.id .. ' holds an offer: accept or decline it')
    end
    return no_offer(enter(c, ev.requested))
  elseif ty == 'offer' then
    r = copy(c) r.state = 'offered' r.stateSince = NOW r.offerTicket = ev.ticketId r.offerDeadline = ev.deadline r.lastOfferAt = NOW
    return r
  elseif ty == 'accept' then r = no_offer(copy(c)) r.state = 'busy' r.stateSince = NOW r.currentCall = ev.callId return r
  elseif ty == 'decline' then r = no_offer(enter(c, { state = 'available' })) r.notBefore = NOW + REJECT return r
  elseif ty == 'offer_timeout' then return no_offer(enter(c, { state = 'away', reason = 'no_answer' }))
  elseif ty == 'offer_withdrawn' then r = no_offer(copy(c)) r.state = 'available' r.stateSince = NOW return r
  elseif ty == 'call_end' then
    local same = c.countersDay == DAY
    r = copy(c) r.state = 'wrap_up' r.stateSince = NOW r.currentCall = NULL r.wrapUpUntil = ev.wrapUpUntil
    r.afterWrapUp = { state = 'available' } r.countersDay = DAY
    r.callsToday = (same and c.callsToday or 0) + 1
    r.talkSecondsToday = (same and c.talkSecondsToday or 0) + ev.talkSeconds
    return r
  elseif ty == 'wrapup_done' then return enter(c, ev.next)
  elseif ty == 'wrapup_expired' then return enter(c, c.afterWrapUp)
  end
end

local function wkey(t)
  if not isnull(t.directClerk) then return '@' .. t.directClerk end
  return t.queue
end
local function refresh_head(key)
  local h = redis.call('ZRANGE', P .. 'w:' .. key, 0, 0, 'WITHSCORES')
  if h[1] then redis.call('ZADD', P .. 'active', h[2], key) else redis.call('ZREM', P .. 'active', key) end
end
local function put_ticket(prev, nxt, reason)
  if prev and prev.state == 'waiting' then
    if isnull(prev.dropDeadline) then
      local k = wkey(prev)
      if redis.call('ZREM', P .. 'w:' .. k, prev.id) == 1 then
        local head = redis.call('ZSCORE', P .. 'active', k)
        if not head or prev.score <= tonumber(head) then refresh_head(k) end
      end
    else
      redis.call('ZREM', P .. 'drops', prev.id)
    end
  end
  write_ticket(nxt)
  if nxt.state == 'waiting' then
    if isnull(nxt.dropDeadline) then
      local k = wkey(nxt)
      redis.call('ZADD', P .. 'w:' .. k, nxt.score, nxt.id)
      local head = redis.call('ZSCORE', P .. 'active', k)
      if not head or nxt.score <= tonumber(head) then refresh_head(k) end
    else
      redis.call('ZADD', P .. 'drops', nxt.dropDeadline, nxt.id)
    end
  end
  if FINAL[nxt.state] and not (prev and FINAL[prev.state]) then redis.call('ZADD', P .. 'closed', nxt.stateSince, nxt.id) end
  emit({ type = 'ticket:moved', ticketId = nxt.id, queue = nxt.queue, state = nxt.state, reason = reason })
  touch(nxt.queue)
  if prev and prev.queue ~= nxt.queue then touch(prev.queue) end
end

local function strategy_key(c, strategy)
  local today = c.countersDay == DAY
  if strategy == 'least-talk-time' then return today and c.talkSecondsToday or 0 end
  if strategy == 'fewest-calls' then return today and c.callsToday or 0 end
  if strategy == 'round-robin' then return c.lastOfferAt end
  return c.idleSince
end
local function same_skills(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do
    if a[i].queue ~= b[i].queue or a[i].level ~= b[i].level then return false end
  end
  return true
end
local function put_clerk(prev, nxt)
  if prev and same_skills(prev.skills, nxt.skills) then
    -- the usual case: only the state moved, so only the indexes that depend on it change
    local moved = prev.state ~= nxt.state
    local staffing = (STAFFED[prev.state] or false) ~= (STAFFED[nxt.state] or false)
    for _, s in ipairs(nxt.skills) do
      if moved then
        if COUNTED[prev.state] then redis.call('HINCRBY', P .. 'cnt:' .. s.queue, prev.state, -1) end
        if COUNTED[nxt.state] then redis.call('HINCRBY', P .. 'cnt:' .. s.queue, nxt.state, 1) end
      end
      if staffing then redis.call('HINCRBY', P .. 'qc:' .. s.queue, 'L' .. s.level, STAFFED[nxt.state] and 1 or -1) end
      local av = P .. 'av:' .. s.queue .. ':' .. s.level
      if nxt.state == 'available' then
        redis.call('ZADD', av, strategy_key(nxt, qcfg(s.queue).strategy), nxt.id)
        if prev.state ~= 'available' then redis.call('HINCRBY', P .. 'avn', s.queue, 1) end
      elseif prev.state == 'available' then
        redis.call('ZREM', av, nxt.id)
        redis.call('HINCRBY', P .. 'avn', s.queue, -1)
      end
      touch(s.queue)
    end
  else
    if prev then
      for _, s in ipairs(prev.skills) do
        if COUNTED[prev.state] then redis.call('HINCRBY', P .. 'cnt:' .. s.queue, prev.state, -1) end
        if STAFFED[prev.state] then redis.call('HINCRBY', P .. 'qc:' .. s.queue, 'L' .. s.level, -1) end
        if prev.state == 'available' then
          redis.call('ZREM', P .. 'av:' .. s.queue .. ':' .. s.level, prev.id)
          redis.call('HINCRBY', P .. 'avn', s.queue, -1)
        end
        touch(s.queue)
      end
    end
    for _, s in ipairs(nxt.skills) do
      if COUNTED[nxt.state] then redis.call('HINCRBY', P .. 'cnt:' .. s.queue, nxt.state, 1) end
      if STAFFED[nxt.state] then redis.call('HINCRBY', P .. 'qc:' .. s.queue, 'L' .. s.level, 1) end
      if nxt.state == 'available' then
        redis.call('ZADD', P .. 'av:' .. s.queue .. ':' .. s.level, strategy_key(nxt, qcfg(s.queue).strategy), nxt.id)
        redis.call('HINCRBY', P .. 'avn', s.queue, 1)
      end
      touch(s.queue)
    end
  end
  if prev and prev.state == 'offered' and not (nxt.state == 'offered' and nxt.offerDeadline == prev.offerDeadline) then
    redis.call('ZREM', P .. 'offers', prev.id)
  end
  if prev and prev.state == 'wrap_up' and not (nxt.state == 'wrap_up' and nxt.wrapUpUntil == prev.wrapUpUntil) then
    redis.call('ZREM', P .. 'wrap', prev.id)
  end
  write_clerk(nxt)
  if nxt.state == 'offered' and not isnull(nxt.offerDeadline) then redis.call('ZADD', P .. 'offers', nxt.offerDeadline, nxt.id) end
  if nxt.state == 'wrap_up' and not isnull(nxt.wrapUpUntil) then redis.call('ZADD', P .. 'wrap', nxt.wrapUpUntil, nxt.id) end
  emit({ type = 'clerk:state-changed', clerk = view(nxt) })
end

local function day_incr(q, field, n)
  local key = P .. 'day:' .. DAY .. ':' .. q
  redis.call('HINCRBYFLOAT', key, field, n)
  redis.call('EXPIRE', key, 691200)
end
local function trim(key) redis.call('ZREMRANGEBYSCORE', key, '-inf', NOW - WINDOW) end
local function record_answer(q, waited, call_id)
  day_incr(q, 'answered', 1)
  day_incr(q, 'answerWaitSeconds', waited)
  redis.call('ZADD', P .. 'ans:' .. q, NOW, call_id) trim(P .. 'ans:' .. q)
  if waited <= qcfg(q).targetAnswerSeconds then
    day_incr(q, 'answeredInTarget', 1)
    redis.call('ZADD', P .. 'ansin:' .. q, NOW, call_id) trim(P .. 'ansin:' .. q)
  end
end
local function record_handle(q, seconds)
  day_incr(q, 'handled', 1)
  day_incr(q, 'handleSeconds', seconds)
  redis.call('RPUSH', P .. 'aht:' .. q, seconds)
  redis.call('LTRIM', P .. 'aht:' .. q, -${RECENT_HANDLES}, -1)
end
local function withdraw_from_clerk(t)
  if t.state ~= 'offered' or isnull(t.offeredTo) then return end
  local c = get_clerk(t.offeredTo)
  if not c then return end
  put_clerk(c, clerk_tr(c, { type = 'offer_withdrawn' }))
  emit({ type = 'offer:withdrawn', clerkId = c.id, ticketId = t.id, reason = 'cancelled' })
end
-- clerks of a queue by state, flat like HGETALL: available from avn, offered = staffed − the rest
local function clerk_counts(q)
  local flat = redis.call('HGETALL', P .. 'cnt:' .. q)
  local busy, wrap = 0, 0
  for i = 1, #flat, 2 do
    if flat[i] == 'busy' then busy = tonumber(flat[i + 1]) elseif flat[i] == 'wrap_up' then wrap = tonumber(flat[i + 1]) end
  end
  local lv = redis.call('HGETALL', P .. 'qc:' .. q)
  local staffed = 0
  for i = 1, #lv, 2 do
    if string.byte(lv[i], 1) == 76 then staffed = staffed + tonumber(lv[i + 1]) end -- L<level>
  end
  local avail = tonumber(redis.call('HGET', P .. 'avn', q) or '0')
  flat[#flat + 1] = 'available' flat[#flat + 1] = avail
  flat[#flat + 1] = 'offered' flat[#flat + 1] = staffed - avail - busy - wrap
  return flat
end
local function current_offer(cid)
  local c = get_clerk(cid)
  if not c or c.state ~= 'offered' or isnull(c.offerTicket) or isnull(c.offerDeadline) then return nil end
  local t = get_ticket(c.offerTicket)
  if not t then return nil end
  return { clerkId = cid, ticket = t, offeredAt = c.lastOfferAt, deadline = c.offerDeadline }, c
end
`;

/** Runs STEP() and answers `{ ok }` or `{ err, message }`; a step's events go out as one message, after it. */
export const LUA_MAIN = `
local ok, res = pcall(STEP)
if not ok then
  if type(res) == 'table' and res.code then return cjson.encode({ err = res.code, message = res.msg }) end
  error(res)
end
if #touched_list > 0 then emit({ type = 'stats:changed', queues = touched_list }) end
if #events > 0 then redis.call('PUBLISH', P .. 'events', cjson.encode(events)) end
if res == nil then res = NULL end
return cjson.encode({ ok = res })
`;
