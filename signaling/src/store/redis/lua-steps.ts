/** One Lua body per RedisStore step (see lua-lib.ts); each mirrors the Desk method of the same name. */
export const STEPS = {
  /** ARGV 7: ticket JSON (built by the caller from the catalogue), 8: resume secret. */
  enqueue: `
local function STEP()
  local t = cjson.decode(ARGV[7])
  local existing = get_ticket(t.id)
  if existing then return existing end
  redis.call('HSET', P .. 'sec', t.id, ARGV[8])
  put_ticket(nil, t, 'enqueued')
  redis.call('ZADD', P .. 'arr:' .. t.queue, NOW, t.id)
  trim(P .. 'arr:' .. t.queue)
  return t
end`,
  cancel: `
local function STEP()
  local t = need_ticket(ARGV[7])
  local nt = ticket_tr(t, { type = 'cancel' })
  withdraw_from_clerk(t)
  put_ticket(t, nt, 'cancelled')
  day_incr(nt.queue, 'abandoned', 1)
  return nt
end`,
  drop: `
local function STEP()
  local t = need_ticket(ARGV[7])
  if t.state == 'connected' or (t.state == 'waiting' and not isnull(t.dropDeadline)) then return t end
  local nt = ticket_tr(t, { type = 'drop', deadline = NOW + GRACE })
  withdraw_from_clerk(t)
  put_ticket(t, nt, 'dropped')
  return nt
end`,
  resume: `
local function STEP()
  local t = need_ticket(ARGV[7])
  if redis.call('HGET', P .. 'sec', t.id) ~= ARGV[8] then throw('RESUME_REJECTED', 'this browser cannot resume the ticket') end
  if t.state ~= 'waiting' or isnull(t.dropDeadline) then
    if FINAL[t.state] then throw('TICKET_CLOSED', 'ticket ' .. t.id .. ' is ' .. t.state) end
    return t
  end
  local nt = ticket_tr(t, { type = 'resume' })
  put_ticket(t, nt, 'resumed')
  return nt
end`,
  /** ARGV 7: profile JSON, 8: a new clerk record for a first registration. */
  registerClerk: `
local function STEP()
  local profile = cjson.decode(ARGV[7])
  for _, s in ipairs(profile.skills) do qcfg(s.queue) end
  local prev = get_clerk(profile.id)
  local nxt
  if prev then
    nxt = copy(prev)
    for k, v in pairs(profile) do nxt[k] = v end
  else
    nxt = cjson.decode(ARGV[8])
    redis.call('SADD', P .. 'clerks', nxt.id)
  end
  put_clerk(prev, nxt)
  return view(nxt)
end`,
  /** ARGV 7: clerk id, 8: requested state JSON. */
  setClerkState: `
local function STEP()
  local c = need_clerk(ARGV[7])
  local nc = clerk_tr(c, { type = 'request', requested = cjson.decode(ARGV[8]) })
  if c.state == 'offered' and not isnull(c.offerTicket) then
    local t = get_ticket(c.offerTicket)
    if t then
      put_ticket(t, ticket_tr(t, { type = 'offer_returned' }), 'offer_returned')
      emit({ type = 'offer:withdrawn', clerkId = c.id, ticketId = t.id, reason = 'cancelled' })
    end
  end
  put_clerk(c, nc)
  return view(nc)
end`,
  /** The match step is its own lean script (lua-match.ts); this entry names it. ARGV 7: most offers. */
  match: '',
  /** ARGV 7: clerk id, 8: ticket id. */
  accept: `
local function STEP()
  local c = need_clerk(ARGV[7])
  local t = need_ticket(ARGV[8])
  if t.state == 'offered' and t.offeredTo ~= c.id then throw('OFFER_NOT_YOURS', 'ticket ' .. t.id .. ' is offered to another clerk') end
  if c.state ~= 'offered' or c.offerTicket ~= t.id or isnull(c.offerDeadline) or c.offerDeadline <= NOW then
    throw('OFFER_EXPIRED', 'the offer of ticket ' .. t.id .. ' is no longer open')
  end
  local id = 'call-' .. redis.call('INCR', P .. 'callseq')
  local waited = (NOW - t.queuedAt) / 1000
  local call = { id = id, ticketId = t.id, queue = t.queue, caseType = t.caseType, clerkId = c.id, clerkName = c.displayName,
    citizenName = t.displayName, language = t.language, room = t.room, startedAt = NOW, waitedSeconds = waited,
    transferNote = t.transferNote, endedAt = NULL, endReason = NULL, caseReference = NULL, rating = NULL, ratingComment = NULL }
  put_ticket(t, ticket_tr(t, { type = 'accept', callId = id }), 'connected')
  put_clerk(c, clerk_tr(c, { type = 'accept', callId = id }))
  redis.call('HSET', P .. 'call', id, cjson.encode(call))
  redis.call('SADD', P .. 'calls:active', id)
  record_answer(t.queue, waited, id)
  emit({ type = 'call:started', call = call })
  return call
end`,
  decline: `
local function STEP()
  local c = need_clerk(ARGV[7])
  local t = need_ticket(ARGV[8])
  if t.state == 'offered' and t.offeredTo ~= c.id then throw('OFFER_NOT_YOURS', 'ticket ' .. t.id .. ' is offered to another clerk') end
  if c.state ~= 'offered' or c.offerTicket ~= t.id or isnull(c.offerDeadline) or c.offerDeadline <= NOW then
    throw('OFFER_EXPIRED', 'the offer of ticket ' .. t.id .. ' is no longer open')
  end
  put_ticket(t, ticket_tr(t, { type = 'offer_returned' }), 'offer_returned')
  put_clerk(c, clerk_tr(c, { type = 'decline' }))
  emit({ type = 'offer:withdrawn', clerkId = c.id, ticketId = t.id, reason = 'declined' })
  return NULL
end`,
  /** ARGV 7: most expiries of each kind in one step (and most closed records forgotten). */
  sweep: `
local function STEP()
  local limit = tonumber(ARGV[7])
  local res = { expiredOffers = {}, expiredDrops = {}, wrapUpsEnded = {} }
  for _, cid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'offers', '-inf', NOW, 'LIMIT', 0, limit)) do
    local offer, c = current_offer(cid)
    if offer then
      put_ticket(offer.ticket, ticket_tr(offer.ticket, { type = 'offer_returned' }), 'offer_returned')
      put_clerk(c, clerk_tr(c, { type = 'offer_timeout' }))
      emit({ type = 'offer:withdrawn', clerkId = cid, ticketId = offer.ticket.id, reason = 'timeout' })
      res.expiredOffers[#res.expiredOffers + 1] = offer
    else
      redis.call('ZREM', P .. 'offers', cid)
    end
  end
  for _, tid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'drops', '-inf', NOW, 'LIMIT', 0, limit)) do
    local t = get_ticket(tid)
    if t then
      local nt = ticket_tr(t, { type = 'drop_expired' })
      put_ticket(t, nt, 'expired')
      day_incr(nt.queue, 'abandoned', 1)
      res.expiredDrops[#res.expiredDrops + 1] = nt
    end
  end
  for _, cid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'wrap', '-inf', NOW, 'LIMIT', 0, limit)) do
    local c = get_clerk(cid)
    if c then
      local nc = clerk_tr(c, { type = 'wrapup_expired' })
      put_clerk(c, nc)
      res.wrapUpsEnded[#res.wrapUpsEnded + 1] = view(nc)
    end
  end
  -- forget tickets and calls closed longer ago than the retention (no event: nobody waits on them)
  local purged = 0
  for _, tid in ipairs(redis.call('ZRANGEBYSCORE', P .. 'closed', '-inf', NOW - RETENTION, 'LIMIT', 0, limit)) do
    redis.call('DEL', P .. 't:' .. tid)
    redis.call('HDEL', P .. 'sec', tid)
    redis.call('ZREM', P .. 'closed', tid)
    purged = purged + 1
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'closedcalls', '-inf', NOW - RETENTION, 'LIMIT', 0, limit)) do
    redis.call('HDEL', P .. 'call', id)
    redis.call('ZREM', P .. 'closedcalls', id)
    purged = purged + 1
  end
  res.purged = purged
  return res
end`,
  /** ARGV 7: call id, 8: reason. */
  endCall: `
local function STEP()
  local call = need_call(ARGV[7])
  if not isnull(call.endedAt) then throw('CONFLICT', 'call ' .. call.id .. ' already ended') end
  local t = need_ticket(call.ticketId)
  local nt = ticket_tr(t, { type = 'end', reason = ARGV[8] })
  local closed = close_call(call, ARGV[8])
  put_ticket(t, nt, 'ended')
  return closed
end`,
  /** ARGV 7: clerk id, 8: next state JSON. */
  wrapUpDone: `
local function STEP()
  local c = need_clerk(ARGV[7])
  local nc = clerk_tr(c, { type = 'wrapup_done', next = cjson.decode(ARGV[8]) })
  put_clerk(c, nc)
  return view(nc)
end`,
  /** ARGV 7: call id, 8: target JSON, 9: note. */
  transfer: `
local function STEP()
  local call = need_call(ARGV[7])
  if not isnull(call.endedAt) then throw('CONFLICT', 'call ' .. call.id .. ' already ended') end
  local t = need_ticket(call.ticketId)
  local target = cjson.decode(ARGV[8])
  local queue = t.queue
  local direct = NULL
  if target.kind == 'queue' then qcfg(target.queue) queue = target.queue
  else need_clerk(target.clerk) direct = target.clerk end
  if direct == call.clerkId then throw('CONFLICT', 'cannot transfer a call to its own clerk') end
  local priority = t.priority
  if BOOST[priority] < BOOST.transfer then priority = 'transfer' end
  local note = ARGV[9]
  if note == '' then note = NULL end
  local nt = ticket_tr(t, { type = 'transfer', queue = queue, directClerk = direct, note = note, priority = priority })
  local closed = close_call(call, 'transferred')
  put_ticket(t, nt, 'transferred')
  return { call = closed.call, ticket = nt, clerk = closed.clerk }
end`,
  /** ARGV 7: call id, 8: year, 9: the reference to give ('' = the next of the year's counter). */
  openCase: `
local function STEP()
  local call = need_call(ARGV[7])
  if not isnull(call.caseReference) then return call.caseReference end
  if ARGV[9] ~= nil and ARGV[9] ~= '' then
    call.caseReference = ARGV[9]
  else
    local n = redis.call('INCR', P .. 'ref:' .. ARGV[8])
    call.caseReference = 'ABL-' .. ARGV[8] .. '-' .. string.format('%06d', n)
  end
  redis.call('HSET', P .. 'call', call.id, cjson.encode(call))
  return call.caseReference
end`,
  /** ARGV 7: call id, 8: rating, 9: comment JSON (string or null). */
  rateCall: `
local function STEP()
  local call = need_call(ARGV[7])
  local rating = tonumber(ARGV[8])
  if not isnull(call.rating) then throw('CONFLICT', 'call ' .. call.id .. ' is already rated') end
  call.rating = rating
  call.ratingComment = cjson.decode(ARGV[9])
  redis.call('HSET', P .. 'call', call.id, cjson.encode(call))
  day_incr(call.queue, 'ratingSum', rating)
  day_incr(call.queue, 'ratingCount', 1)
  touch(call.queue)
  return call
end`,
  /** ARGV 7: ticket id. Read only: the ticket, tickets ahead of it, clerk counts, recent handle times. */
  position: `
local function STEP()
  local t = need_ticket(ARGV[7])
  -- the rank, ties by id as positions() numbers them (ZCOUNT gave tickets of one millisecond one place)
  local below = redis.call('ZRANK', P .. 'w:' .. wkey(t), t.id) or 0
  return { ticket = t, below = below, counts = clerk_counts(t.queue),
    aht = redis.call('LRANGE', P .. 'aht:' .. t.queue, 0, -1) }
end`,
} as const;

export type StepName = keyof typeof STEPS;

/** Ends a call on the clerk's side (shared by endCall and transfer; checks before writes). */
export const LUA_CLOSE_CALL = `
local function close_call(call, reason)
  local c = need_clerk(call.clerkId)
  local wrap_until = NOW + qcfg(call.queue).wrapUpSeconds * 1000
  local talk = (NOW - call.startedAt) / 1000
  local nc = clerk_tr(c, { type = 'call_end', wrapUpUntil = wrap_until, talkSeconds = talk })
  local ended = copy(call)
  ended.endedAt = NOW
  ended.endReason = reason
  put_clerk(c, nc)
  redis.call('HSET', P .. 'call', call.id, cjson.encode(ended))
  redis.call('SREM', P .. 'calls:active', call.id)
  redis.call('ZADD', P .. 'closedcalls', NOW, call.id)
  record_handle(call.queue, talk)
  emit({ type = 'call:ended', call = ended, wrapUpUntil = wrap_until })
  return { call = ended, clerk = view(nc), wrapUpUntil = wrap_until }
end
`;
