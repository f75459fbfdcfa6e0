/**
 * From the clerk's "accept" to each side seeing the other (issue 8). Real Chromium pages with fake
 * camera and mic, the real embedded server (signaling + SFU in this process, MemoryStore), N calls per
 * scenario. Modes: `cold` — the citizen's media session opens at accept, the clerk's waits warm in its
 * standby room and switches into the call (as the console works); `warm` — both warm (the citizen's
 * session opened, camera published paused, both transports connected while waiting); `cold-clerk` —
 * both cold (a new clerk session per call: the figures before issue 8's warm clerk). On plain loopback
 * and with 20 ms / 100 ms round trips added by userspace delay proxies on both the signalling TCP path
 * and the media UDP path.
 *
 *   pnpm bench join-latency                       # N=50 per scenario
 *   ABLAK_BENCH_CALLS=10 ABLAK_BENCH_MODES=cold,warm ABLAK_BENCH_RTTS=0 pnpm bench join-latency  # quicker
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, freePort, startDesk } from '@ablak/tests/harness';
import type { LoginResponse, CaseTypeList } from '@ablak/protocol';
import { summarize, type Benchmark, type BenchResult } from './lib';
import { serveCallPage, type CallPageApi, type Marks } from '@ablak/tests/call-page';
import { startTcpDelayProxy, startUdpDelayProxy, type DelayProxy } from './src/delay-proxy';

const CALLS = Number(process.env.ABLAK_BENCH_CALLS ?? 50);

/** Stage name → how to compute it from one call's marks (ms after the clerk pressed accept). */
const STAGES: [string, (m: Marks) => number][] = [
  ['citizen notified (call:matched)', (m) => at(m, 'citizen.notified')],
  ['clerk grant received (accept ack)', (m) => at(m, 'clerk.grant')],
  ['clerk entered the call (switch-room answer)', (m) => at(m, 'clerk.switched')],
  ['citizen joined the media room (cold citizen)', (m) => at(m, 'citizen.joined')],
  ['citizen published camera and mic', (m) => at(m, 'citizen.published')],
  ['clerk transports connected (ICE+DTLS)', (m) => at(m, 'clerk.transports-connected')],
  ['citizen transports connected (ICE+DTLS)', (m) => at(m, 'citizen.transports-connected')],
  ['citizen has the clerk video track', (m) => at(m, 'citizen.video-track')],
  ['clerk has the citizen video track', (m) => at(m, 'clerk.video-track')],
  ['citizen first clerk video frame', (m) => at(m, 'citizen.first-video-frame')],
  ['clerk first citizen video frame', (m) => at(m, 'clerk.first-video-frame')],
  ['citizen first clerk audio', (m) => at(m, 'citizen.first-audio')],
  ['clerk first citizen audio', (m) => at(m, 'clerk.first-audio')],
];
function at(m: Marks, key: string): number {
  const t = m[key];
  const t0 = m['clerk.accept'];
  return t === undefined || t0 === undefined ? Number.NaN : t - t0;
}

interface Scenario {
  rttMs: number;
}

interface Mode {
  citizenWarm: boolean;
  clerkWarm: boolean;
}

function parseMode(name: string): Mode {
  if (name === 'cold') return { citizenWarm: false, clerkWarm: true };
  if (name === 'warm') return { citizenWarm: true, clerkWarm: true };
  if (name === 'cold-clerk') return { citizenWarm: false, clerkWarm: false };
  throw new Error(`unknown mode ${name} (cold, warm, cold-clerk)`);
}

/** One embedded desk (with delay proxies when rttMs > 0) and two browsers; runs cold and warm calls. */
async function runScenario(scenario: Scenario, pageOrigin: string, browsers: { clerk: Browser; citizen: Browser }): Promise<BenchResult[]> {
  const oneWay = scenario.rttMs / 2;
  const port = await freePort();
  const rtcBase = 46_000 + Math.floor(Math.random() * 1_000) * 2;
  const proxies: DelayProxy[] = [];
  const delayed = scenario.rttMs > 0;
  let apiPort = port;
  if (delayed) {
    const tcp = await startTcpDelayProxy({ targetHost: '127.0.0.1', targetPort: port, oneWayMs: oneWay });
    proxies.push(tcp);
    apiPort = tcp.port;
    for (let i = 0; i < 2; i++) {
      proxies.push(await startUdpDelayProxy({ listenHost: '127.0.0.3', targetHost: '127.0.0.2', port: rtcBase + i, oneWayMs: oneWay }));
    }
  }
  const api = `http://127.0.0.1:${apiPort}`;
  const desk = await startDesk({
    PORT: String(port),
    CORS_ORIGINS: pageOrigin,
    SFU_WORKERS: '2',
    SFU_RTC_PORT_BASE: String(rtcBase),
    SFU_PUBLIC_URL: api,
    ...(delayed ? { SFU_LISTEN_IP: '127.0.0.2', SFU_ANNOUNCED_IP: '127.0.0.3', SFU_ENABLE_TCP: 'false' } : {}),
  });
  const results: BenchResult[] = [];
  try {
    const clerkPage = await browsers.clerk.newPage();
    const citizenPage = await browsers.citizen.newPage();
    if (process.env.ABLAK_BENCH_DEBUG) {
      for (const [name, page] of [['clerk', clerkPage], ['citizen', citizenPage]] as const) {
        page.on('console', (msg) => console.log(`[${name}] ${msg.text()}`));
        page.on('pageerror', (err) => console.log(`[${name}] page error ${err.message}`));
        page.on('crash', () => console.log(`[${name}] CRASHED`));
        page.on('close', () => console.log(`[${name}] closed`));
      }
    }
    await clerkPage.goto(`${pageOrigin}/`);
    await citizenPage.goto(`${pageOrigin}/`);
    const caseType = await caseTypeFor(api, 'clerk1');
    await clerkPage.evaluate(([base]) => window.callPage.clerkStart(base, 'clerk1'), [api] as const);
    const modes = (process.env.ABLAK_BENCH_MODES ?? 'cold,warm,cold-clerk').split(',').map(parseMode);
    for (const mode of modes) {
      const calls: Marks[] = [];
      for (let i = 0; i < CALLS; i++) calls.push(await oneCall(clerkPage, citizenPage, api, caseType, mode));
      results.push(...report(scenario, mode, calls));
    }
    await clerkPage.close();
    await citizenPage.close();
  } finally {
    await desk.close();
    for (const p of proxies) await p.close();
  }
  return results;
}

async function caseTypeFor(api: string, username: string): Promise<string> {
  const login = (await (await fetch(`${api}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'ablak-demo' }) })).json()) as LoginResponse;
  const queue = login.user.skills.slice().sort((a, b) => a.level - b.level)[0]?.queue;
  const list = (await (await fetch(`${api}/api/case-types?limit=2000`)).json()) as CaseTypeList;
  const caseType = list.caseTypes.find((c) => c.queue === queue);
  if (!caseType) throw new Error(`no case type for ${username}'s queue ${queue}`);
  return caseType.code;
}

/** One call; a call that does not complete within 20 s is returned as `{ failed: 1 }` and cleaned up. */
async function oneCall(clerkPage: Page, citizenPage: Page, api: string, caseType: string, mode: Mode): Promise<Marks> {
  // The citizen waits first (and warms up when asked); only then does the clerk become available.
  await citizenPage.evaluate(([base, code, w]) => window.callPage.citizenStart(base, code, w), [api, caseType, mode.citizenWarm] as const);
  let marks: Marks;
  try {
    const clerkMarks = await clerkPage.evaluate((w) => window.callPage.clerkNextCall(w), mode.clerkWarm);
    await citizenPage.waitForFunction(() => window.callPage.citizenDone(), undefined, { timeout: 30_000, polling: 10 });
    const error = await citizenPage.evaluate(() => window.callPage.citizenError());
    if (error) throw new Error(`citizen: ${error}`);
    marks = { ...clerkMarks, ...(await citizenPage.evaluate(() => window.callPage.citizenMarks())) };
  } catch (error) {
    console.log(`    call failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    marks = { failed: 1 };
  }
  await clerkPage.evaluate(() => window.callPage.clerkEndCall()).catch(() => undefined);
  await citizenPage.evaluate(() => window.callPage.citizenEnd()).catch(() => undefined);
  return marks;
}

function report(scenario: Scenario, mode: Mode, calls: Marks[]): BenchResult[] {
  const label = `${mode.citizenWarm ? 'warm' : 'cold'} citizen, ${mode.clerkWarm ? 'warm' : 'cold'} clerk, ${scenario.rttMs === 0 ? 'loopback' : `+${scenario.rttMs} ms RTT`}`;
  const rows: BenchResult[] = [];
  const failed = calls.filter((m) => m.failed === 1).length;
  calls = calls.filter((m) => m.failed !== 1);
  console.log(`\n  ${label} (${calls.length} calls, ${failed} failed): ms after accept, p50 / p95 / max`);
  rows.push({ bench: 'join-latency', figure: `${label}: calls that did not complete within 20 s`, value: failed, unit: 'calls', notes: `of ${calls.length + failed}` });
  for (const [stage, fn] of STAGES) {
    const s = summarize(calls.map(fn).filter((v) => Number.isFinite(v)));
    console.log(`    ${stage.padEnd(42)} ${s.p50.toFixed(1).padStart(7)} ${s.p95.toFixed(1).padStart(7)} ${s.max.toFixed(1).padStart(7)}  (n=${s.n})`);
    rows.push({ bench: 'join-latency', figure: `${label}: ${stage}, p50`, value: round(s.p50), unit: 'ms', notes: `p95 ${round(s.p95)}, max ${round(s.max)}, n=${s.n}` });
  }
  const prepare = summarize(calls.map((m) => (m['clerk.prepared'] ?? Number.NaN) - (m['clerk.offer'] ?? Number.NaN)).filter(Number.isFinite));
  if (prepare.n > 0) {
    console.log(`    clerk prepared the call while the offer was on screen (offer → ready, before accept): p50 ${prepare.p50.toFixed(1)} p95 ${prepare.p95.toFixed(1)} max ${prepare.max.toFixed(1)}`);
    rows.push({ bench: 'join-latency', figure: `${label}: clerk prepared the call (offer shown → ready, before accept), p50`, value: round(prepare.p50), unit: 'ms', notes: `p95 ${round(prepare.p95)}, max ${round(prepare.max)}, n=${prepare.n}; the bench accepts as soon as it is ready` });
  }
  const newPcs = summarize(calls.map((m) => m['citizen.pcs-created-after-accept'] ?? Number.NaN).filter(Number.isFinite));
  console.log(`    citizen peer connections created after accept: max ${newPcs.max}`);
  rows.push({ bench: 'join-latency', figure: `${label}: citizen peer connections created after accept`, value: newPcs.max, unit: 'count', notes: 'max over the calls' });
  const clerkPcs = summarize(calls.map((m) => m['clerk.pcs-created-after-accept'] ?? Number.NaN).filter(Number.isFinite));
  console.log(`    clerk peer connections created after accept: max ${clerkPcs.max}`);
  rows.push({ bench: 'join-latency', figure: `${label}: clerk peer connections created after accept`, value: clerkPcs.max, unit: 'count', notes: 'max over the calls' });
  return rows;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

declare global {
  interface Window {
    callPage: CallPageApi;
  }
}

export default {
  name: 'join-latency',
  async run() {
    const page = await serveCallPage();
    const launch = () => chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    const browsers = { clerk: await launch(), citizen: await launch() };
    const results: BenchResult[] = [];
    try {
      const rtts = (process.env.ABLAK_BENCH_RTTS ?? '0,20,100').split(',').map(Number);
      for (const rttMs of rtts) results.push(...(await runScenario({ rttMs }, page.origin, browsers)));
    } finally {
      await browsers.clerk.close();
      await browsers.citizen.close();
      await page.close();
    }
    return results;
  },
} satisfies Benchmark;
