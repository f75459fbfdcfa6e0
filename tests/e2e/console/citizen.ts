import type { Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import {
  CreateTicketResponse,
  PROTOCOL_VERSION,
  type CaseTypeCode,
  type CitizenPushes,
  type CitizenRequests,
  type ClientToServerOf,
  type MediaAccess,
  type RequestOf,
  type ResultOf,
  type ServerToClientOf,
} from '@ablak/protocol';
import type { TestBrowser } from '@ablak/tests/harness';
import { bundleTestPage, servePage, type PageServer } from '../sfu/bundle';

/** One track the citizen's media page receives, with what it decoded so far. */
export interface RemoteVideoReport {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: string;
  source: string;
  framesDecoded: number;
}

type CitizenSocket = Socket<ServerToClientOf<CitizenPushes>, ClientToServerOf<CitizenRequests>>;
type Push<K extends keyof CitizenPushes & string> = Parameters<ServerToClientOf<CitizenPushes>[K]>[0];

interface MediaPageApi {
  start(access: MediaAccess, options: { publish: boolean }): Promise<string>;
  peers(): string[];
  remote(): Promise<RemoteVideoReport[]>;
  close(): Promise<void>;
}

let pageServer: Promise<PageServer> | undefined;
/** The SFU suite's bare MediaSession page, served once per test file. */
export function mediaPageServer(): Promise<PageServer> {
  pageServer ??= bundleTestPage().then(servePage);
  return pageServer;
}

/**
 * A citizen as the test drives them: the real HTTP ticket and /citizen socket from Node, and the
 * media (fake camera and mic) in a Chromium page that runs the browser MediaSession.
 */
export class TestCitizen {
  readonly pushes: { event: string; payload: unknown }[] = [];
  /** The media access of the ticket's room from `queue:join` (where a warm citizen waits), if any. */
  waitingMedia: MediaAccess | null = null;
  private mediaPage: Page | undefined;
  private mediaBrowser: TestBrowser | undefined;
  private starting: Promise<void> = Promise.resolve();

  private constructor(
    readonly ticket: CreateTicketResponse,
    readonly socket: CitizenSocket,
  ) {
    socket.onAny((event: string, payload: unknown) => this.pushes.push({ event, payload }));
    // As the citizen app does: the transferred call's room has ended; wait in the next call's room.
    socket.on('call:transferred', ({ media }) => {
      if (media && this.mediaBrowser) void this.startMedia(this.mediaBrowser, media).catch(() => undefined);
    });
  }

  /** `beforeQueue` runs after the ticket is made and before it joins the queue. */
  static async join(
    url: string,
    caseType: string,
    displayName: string,
    beforeQueue?: (ticket: CreateTicketResponse) => Promise<void>,
  ): Promise<TestCitizen> {
    const res = await fetch(`${url}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        displayName,
        caseType: caseType as CaseTypeCode,
        language: 'hu',
        accessibility: [],
      }),
    });
    if (!res.ok) throw new Error(`ticket refused: ${res.status} ${await res.text()}`);
    const ticket = CreateTicketResponse.parse(await res.json());
    await beforeQueue?.(ticket);
    const socket: CitizenSocket = io(`${url}/citizen`, {
      transports: ['websocket'],
      forceNew: true,
      auth: {
        token: ticket.citizenToken,
        protocolVersion: PROTOCOL_VERSION,
        resumeSecret: ticket.resumeSecret,
      },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const citizen = new TestCitizen(ticket, socket);
    citizen.waitingMedia = (await citizen.request('queue:join', {})).media ?? null;
    return citizen;
  }

  async request<K extends keyof CitizenRequests & string>(
    event: K,
    payload: RequestOf<CitizenRequests, K>,
  ): Promise<ResultOf<CitizenRequests, K>> {
    const untyped = this.socket as unknown as {
      timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> };
    };
    const answer = (await untyped.timeout(10_000).emitWithAck(event, payload)) as {
      ok: boolean;
      error?: { code: string };
    };
    if (!answer.ok) throw new Error(`${event} failed: ${answer.error?.code}`);
    return answer as unknown as ResultOf<CitizenRequests, K>;
  }

  /** The next push of `event` that matches (including ones already received). */
  async next<K extends keyof CitizenPushes & string>(
    event: K,
    match: (p: Push<K>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Push<K>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.pushes.find((p) => p.event === event && match(p.payload as Push<K>));
      if (hit) return hit.payload as Push<K>;
      if (Date.now() > until)
        throw new Error(
          `citizen got no ${event} in ${timeoutMs} ms (got ${this.pushes.map((p) => p.event).join(', ')})`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Uploads a document into the call, as the citizen app does (multipart `file`, citizen bearer token). */
  async shareDocument(
    url: string,
    callId: string,
    name: string,
    bytes: Uint8Array,
    type: string,
  ): Promise<void> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const res = await fetch(`${url}/api/calls/${encodeURIComponent(callId)}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.ticket.citizenToken}` },
      body: form,
    });
    if (!res.ok) throw new Error(`document upload refused: ${res.status} ${await res.text()}`);
  }

  /** Opens the citizen's camera and mic in the room `access` names and publishes them. */
  startMedia(browser: TestBrowser, access: MediaAccess): Promise<void> {
    this.mediaBrowser = browser;
    const run = this.starting.then(() => this.openMedia(browser, access));
    this.starting = run.catch(() => undefined);
    return run;
  }

  private async openMedia(browser: TestBrowser, access: MediaAccess): Promise<void> {
    const server = await mediaPageServer();
    this.mediaPage ??= await browser.context.newPage();
    await this.mediaPage.goto(server.url);
    await this.mediaPage.waitForFunction(() => 'ablakTest' in window);
    const state = await this.mediaPage.evaluate(
      (a) => (window as unknown as { ablakTest: MediaPageApi }).ablakTest.start(a, { publish: true }),
      access,
    );
    if (state !== 'connected') throw new Error(`citizen media did not connect: ${state}`);
  }

  /** Remote peers the citizen's media session sees (a hidden monitor is not one of them). */
  async mediaPeers(): Promise<string[]> {
    return this.mediaPage
      ? this.mediaPage.evaluate(() => (window as unknown as { ablakTest: MediaPageApi }).ablakTest.peers())
      : [];
  }

  /** Video frames the citizen decoded from each remote peer. */
  async decodedVideoFrames(): Promise<Record<string, number>> {
    if (!this.mediaPage) return {};
    const remote = await this.mediaPage.evaluate(() =>
      (window as unknown as { ablakTest: MediaPageApi }).ablakTest.remote(),
    );
    const out: Record<string, number> = {};
    for (const r of remote)
      if (r.kind === 'video') out[r.peerId] = Math.max(out[r.peerId] ?? 0, r.framesDecoded);
    return out;
  }

  /** Every video track the citizen receives (camera and screen share), one entry per consumer. */
  async remoteVideos(): Promise<RemoteVideoReport[]> {
    if (!this.mediaPage) return [];
    const remote = await this.mediaPage.evaluate(() =>
      (window as unknown as { ablakTest: MediaPageApi }).ablakTest.remote(),
    );
    return remote.filter((r) => r.kind === 'video');
  }

  async close(): Promise<void> {
    await this.mediaPage
      ?.evaluate(() => (window as unknown as { ablakTest: MediaPageApi }).ablakTest.close())
      .catch(() => undefined);
    await this.mediaPage?.close().catch(() => undefined);
    this.socket.disconnect();
  }
}

export async function closeMediaPageServer(): Promise<void> {
  const server = await pageServer;
  pageServer = undefined;
  await server?.close();
}
