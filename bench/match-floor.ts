/**
 * The Redis floor under the match script (issue 4): what this machine's Redis charges for the bare
 * work of an offer, with none of the routing rules, so the shipped script's figure can be read
 * against what any Lua match step could reach here.
 *
 * - Costs of the parts: a trivial EVALSHA, one `redis.call('HGET')` on one key, on a different key
 *   each time (a new key string), and a new Lua string.
 * - Floor A, **per-record hashes** (the shipped data model: `t:<id>`, `c:<id>` hashes, a waiting set
 *   per queue, an available set per queue and level, `active`, `avn`): per offer the waiting head,
 *   the ticket, the available head and the clerk are read, both records and the indexes written;
 *   deadlines and events once per call. No tiers, languages, needs, strategies or deep scans.
 * - Floor B, **shared hashes, batched**: a data model built for the match alone: the fields the match
 *   reads in one hash per kind (`ti`, `ci`), read for up to 16 candidates of a queue in one HMGET;
 *   every write batched once per call (ticket and clerk states in one HSET each, one ZREM per set).
 *   Also rule-free. This is the cheapest layout of an offer in Lua found here.
 * Both run on synthetic data shaped like the bench's (29 queues, 10k waiting tickets, 1k clerks
 * with 1–3 skills, ~400-byte ticket JSON), in batches of 16 offers per call (B also 64 and 256), one call at a time,
 * until no offer is left; each is filled afresh three times and the median kept. The figure is
 * Redis's own time per offer inside the script (INFO commandstats), no network or client.
 */
import Redis from 'ioredis';
import { percentile, type BenchResult } from './lib';
import { SortedSet } from '../signaling/src/queue/sorted';

const FILL = `
local P = KEYS[1]
local T, C, Q = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local seed = 7
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n end
local json = '{"id":"%s","queue":"%s","displayName":"Kovács Anna","language":"hu","caseType":"ct-passport-new",' ..
  '"priority":"normal","accessibility":[],"enqueuedAt":1764000000000,"note":null,"transferNote":null,' ..
  '"callId":null,"office":null,"appointment":null,"resumeCount":0,"rating":null,"caseReference":null,"pad":"%s"}'
local pad = string.rep('x', 60)
local avn = {}
for i = 0, T - 1 do
  local q, id = 'q' .. rnd(Q), 't' .. i
  local s = string.format(json, id, q, pad)
  redis.call('ZADD', P .. 'w:' .. q, 1000 + i, id)
  redis.call('HSET', P .. 't:' .. id, 'state', 'waiting', 'drop', '', 'lang', 'hu', 'acc', '', 'qat', 1000 + i, 'q', q, 's', s)
  redis.call('HSET', P .. 'ti', id, 'hu||' .. (1000 + i) .. '|' .. q)
  redis.call('HSET', P .. 'tj', id, s)
end
for i = 0, C - 1 do
  local id, sk, seen = 'k' .. i, {}, {}
  for _ = 0, rnd(3) do
    local q = 'q' .. rnd(Q)
    if not seen[q] then seen[q] = true sk[#sk + 1] = q end
  end
  local skl = {}
  for j = 1, #sk do
    skl[j] = sk[j] .. ':1'
    redis.call('ZADD', P .. 'av:' .. sk[j] .. ':1', i, id)
    redis.call('ZADD', P .. 'av:' .. sk[j], i, id)
    avn[sk[j]] = (avn[sk[j]] or 0) + 1
  end
  redis.call('HSET', P .. 'c:' .. id, 'state', 'available', 'nb', '0', 'lang', ',hu,en,', 'acc', ',', 'sk', table.concat(skl, ' '),
    'v', '{"id":"' .. id .. '","displayName":"Szabó Péter","office":"o-001","languages":["hu","en"],"accessibility":[]}',
    'cd', '', 'calls', '0', 'talk', '0')
  redis.call('HSET', P .. 'ci', id, ',hu,en,|,|' .. table.concat(sk, ' '))
end
for q, n in pairs(avn) do redis.call('HSET', P .. 'avn', q, n) end
for q = 0, Q - 1 do
  local h = redis.call('ZRANGE', P .. 'w:q' .. q, 0, 0, 'WITHSCORES')
  if h[1] then redis.call('ZADD', P .. 'active', h[2], 'q' .. q) end
end
return 1
`;

/** Floor A: the shipped layout, one offer's reads and writes at a time, no rules. Reply {made, json}. */
const FLOOR_RECORDS = `
local P = KEYS[1]
local NOWS, LIMIT = ARGV[1], tonumber(ARGV[2])
local DL = tostring(tonumber(NOWS) + 15000)
local act = redis.call('ZRANGE', P .. 'active', 0, 63)
if #act == 0 then return {0, '{"ok":[]}'} end
local avn = redis.call('HMGET', P .. 'avn', unpack(act))
local made, qi = 0, 1
local reply, deadlines = {}, {}
while made < LIMIT and qi <= #act do
  local q = act[qi]
  local h = (tonumber(avn[qi]) or 0) > 0 and redis.call('ZRANGE', P .. 'w:' .. q, 0, 0) or {}
  local ids = #h > 0 and redis.call('ZRANGE', P .. 'av:' .. q .. ':1', 0, 0) or {}
  if #ids == 0 then qi = qi + 1 else
    local tid, cid = h[1], ids[1]
    local t = redis.call('HMGET', P .. 't:' .. tid, 'state', 'lang', 's')
    local c = redis.call('HMGET', P .. 'c:' .. cid, 'state', 'lang', 'sk', 'v')
    redis.call('HSET', P .. 't:' .. tid, 'state', 'offered', 'since', NOWS, 'to', cid, 'dl', DL)
    redis.call('ZREM', P .. 'w:' .. q, tid)
    redis.call('HSET', P .. 'c:' .. cid, 'state', 'offered', 'since', NOWS, 'ot', tid, 'odl', DL, 'lo', NOWS)
    for sq, level in string.gmatch(c[3], '(%S+):(%d+)') do redis.call('ZREM', P .. 'av:' .. sq .. ':' .. level, cid) end
    deadlines[#deadlines + 1] = DL
    deadlines[#deadlines + 1] = cid
    reply[#reply + 1] = '{"clerkId":"' .. cid .. '","deadline":' .. DL .. ',"ticket":' .. t[3] .. '}'
    made = made + 1
  end
end
if made == 0 then return {0, '{"ok":[]}'} end
redis.call('ZADD', P .. 'offers', unpack(deadlines))
local body = table.concat(reply, ',')
redis.call('PUBLISH', P .. 'events', body)
return {made, '{"ok":[' .. body .. ']}'}
`;

/** Floor B: shared hashes, reads of up to 16 candidates per queue at once, every write batched. */
const FLOOR_SHARED = `
local P = KEYS[1]
local NOWS, LIMIT = ARGV[1], tonumber(ARGV[2])
local DL = tostring(tonumber(NOWS) + 15000)
local find, gmatch = string.find, string.gmatch
local act = redis.call('ZRANGE', P .. 'active', 0, 63)
local ts, cs, deadlines, picked = {}, {}, {}, {}
local wrem, arem, taken = {}, {}, {}
local made = 0
for ai = 1, #act do
  if made >= LIMIT then break end
  local q = act[ai]
  local tids = redis.call('ZRANGE', P .. 'w:' .. q, 0, 15)
  local cids = #tids > 0 and redis.call('ZRANGE', P .. 'av:' .. q, 0, 15) or {}
  if #cids > 0 then
    local tinf = redis.call('HMGET', P .. 'ti', unpack(tids))
    local cinf = redis.call('HMGET', P .. 'ci', unpack(cids))
    local ci, wr = 1, {}
    for ti = 1, #tids do
      if made >= LIMIT then break end
      local lang = ',' .. tinf[ti]:match('^([^|]*)') .. ','
      while ci <= #cids and (taken[cids[ci]] or not find(cinf[ci], lang, 1, true)) do ci = ci + 1 end
      if ci > #cids then break end
      local cid, tid = cids[ci], tids[ti]
      taken[cid] = true
      wr[#wr + 1] = tid
      ts[#ts + 1] = tid
      ts[#ts + 1] = 'offered|' .. NOWS .. '|' .. cid .. '|' .. DL
      cs[#cs + 1] = cid
      cs[#cs + 1] = 'offered|' .. NOWS .. '|' .. tid .. '|' .. DL
      deadlines[#deadlines + 1] = DL
      deadlines[#deadlines + 1] = cid
      for sq in gmatch(cinf[ci]:match('[^|]*$'), '%S+') do
        local l = arem[sq]
        if not l then l = {} arem[sq] = l end
        l[#l + 1] = cid
      end
      picked[#picked + 1] = tid
      picked[#picked + 1] = cid
      made = made + 1
      ci = ci + 1
    end
    if #wr > 0 then wrem[q] = wr end
  end
end
if made == 0 then return {0, '{"ok":[]}'} end
local tickets = {}
for i = 1, #picked, 2 do tickets[#tickets + 1] = picked[i] end
local tj = redis.call('HMGET', P .. 'tj', unpack(tickets))
redis.call('HSET', P .. 'ts', unpack(ts))
redis.call('HSET', P .. 'cs', unpack(cs))
redis.call('ZADD', P .. 'offers', unpack(deadlines))
for q, l in pairs(wrem) do redis.call('ZREM', P .. 'w:' .. q, unpack(l)) end
for q, l in pairs(arem) do redis.call('ZREM', P .. 'av:' .. q, unpack(l)) end
local parts = {}
for i = 1, #tj do parts[i] = '{"clerkId":"' .. picked[2 * i] .. '","deadline":' .. DL .. ',"ticket":' .. tj[i] .. '}' end
local body = table.concat(parts, ',')
redis.call('PUBLISH', P .. 'events', body)
return {made, '{"ok":[' .. body .. ']}'}
`;

const MICRO: { figure: string; script: string; per: number }[] = [
  { figure: 'a trivial EVALSHA (return 1)', script: 'return 1', per: 1 },
  { figure: "redis.call('HGET') on one key", script: "for i = 1, 1000 do redis.call('HGET', KEYS[1] .. 'h', 'a') end return 1", per: 1000 },
  { figure: "redis.call('HGET') on a new key string each time", script: "for i = 1, 1000 do redis.call('HGET', KEYS[1] .. 'h' .. i, 'a') end return 1", per: 1000 },
  { figure: 'a new Lua string (concatenation)', script: "local k = KEYS[1] for i = 1, 1000 do local x = k .. i end return 1", per: 1000 },
];

async function evalshaMicros(redis: Redis): Promise<{ calls: number; usec: number }> {
  const info = (await redis.info('commandstats')) as string;
  const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(info);
  return { calls: Number(m?.[1] ?? 0), usec: Number(m?.[2] ?? Number.NaN) };
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

/** Runs the floors on the Redis at `url` (its own keys, deleted after) and returns their figures. */
export async function matchFloor(url: string, describe: string): Promise<BenchResult[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const results: BenchResult[] = [];
  const add = (figure: string, value: number, unit: string, notes: string) => {
    results.push({ bench: 'match', figure, value, unit, notes });
    console.log(`  ${figure}: ${value.toFixed(value < 10 ? 2 : 1)} ${unit} (${notes})`);
  };
  try {
    await redis.hset('{floor}:h', 'a', '1');
    for (const m of MICRO) {
      const sha = (await redis.script('LOAD', m.script)) as string;
      const runs: number[] = [];
      for (let r = 0; r < 5; r++) {
        await redis.config('RESETSTAT');
        for (let i = 0; i < (m.per === 1 ? 2000 : 20); i++) await redis.evalsha(sha, 1, '{floor}:');
        const s = await evalshaMicros(redis);
        runs.push(s.usec / s.calls / m.per);
      }
      add(`Redis Lua cost of ${m.figure}`, median(runs), 'µs', `median of 5 runs, INFO commandstats; ${describe}`);
    }
    const floors: [string, string, number][] = [
      ['per-record hashes (the shipped layout), one offer at a time', FLOOR_RECORDS, 16],
      ['shared hashes, reads and writes batched per call', FLOOR_SHARED, 16],
      ['shared hashes, reads and writes batched per call', FLOOR_SHARED, 64],
      ['shared hashes, reads and writes batched per call', FLOOR_SHARED, 256],
    ];
    for (const [name, script, batch] of floors) {
      const sha = (await redis.script('LOAD', script)) as string;
      const perOffer: number[] = [];
      let offers = 0;
      for (let round = 0; round < 3; round++) {
        const prefix = `{floor${round}}:`;
        await redis.eval(FILL, 1, prefix, '10000', '1000', '29');
        await redis.config('RESETSTAT');
        offers = 0;
        for (let call = 0; call < 10_000; call++) {
          const [made] = (await redis.evalsha(sha, 1, prefix, String(1_764_000_100_000 + call), String(batch))) as [number, string];
          if (made === 0) break;
          offers += made;
        }
        const s = await evalshaMicros(redis);
        perOffer.push(s.usec / Math.max(1, offers));
        const keys = await redis.keys(`${prefix}*`);
        for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      }
      const us = median(perOffer);
      add(`Redis floor without routing rules, ${name}, up to ${batch} offers per call: time per offer`, us, 'µs', `${offers} offers per round, 10k tickets, 1k clerks, 29 queues; median of 3 fills; one Redis core's ceiling ${(1e6 / us).toFixed(0)} offers/s; ${describe}`);
    }
  } finally {
    const keys = await redis.keys('{floor*');
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  return results;
}

/**
 * The MemoryStore's side of the floor: what one move in its sorted index (queue/sorted.ts, the twin
 * of a Redis sorted set) costs here. An offer makes at least five: the ticket leaves its waiting set
 * (head), its queue moves in `active` (head out, back in by the next head's key), the clerk leaves the
 * available set of each skill (the first at the head, the others anywhere) and enters `offers`.
 */
export function sortedSetFloor(describe: string): BenchResult[] {
  const results: BenchResult[] = [];
  const ops = 200_000;
  for (const size of [1_000, 10_000]) {
    const ids = Array.from({ length: size }, (_, i) => `bench-k${i}`);
    const timeOps = (fn: (n: number) => void): number => {
      const t = process.hrtime.bigint();
      for (let n = 0; n < ops; n++) fn(n);
      return Number(process.hrtime.bigint() - t) / ops / 2;
    };
    const set = new SortedSet();
    ids.forEach((id, i) => set.add(id, 1000 + i));
    const middle = timeOps((n) => {
      const i = (n * 7919) % size;
      set.delete(ids[i] as string);
      set.add(ids[i] as string, 1000 + i);
    });
    const head = timeOps(() => {
      const h = set.first() as { id: string; score: number };
      set.delete(h.id);
      set.add(h.id, h.score + size);
    });
    for (const [where, ns] of [['anywhere', middle], ['at the head', head]] as const) {
      const figure = `MemoryStore sorted index: one delete or add ${where}, ${size / 1000}k entries`;
      results.push({ bench: 'match', figure, value: ns, unit: 'ns', notes: `mean of ${ops} delete+add pairs / 2 (queue/sorted.ts); ${describe}` });
      console.log(`  ${figure}: ${ns.toFixed(0)} ns`);
    }
  }
  return results;
}
