/** Shared pieces of the records suites: a back-office receiver, env for a node with records, one call. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallSummary, Offer } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { freePort } from '@ablak/infra';
import { expectOk, type Client, type Fixture } from '../signaling/harness';

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789abcdefghij';

/**
 * The back office: accepts signed case hand-offs, answers 503 to the next `failures` requests,
 * can go down and come back on the same port. A key seen before is acknowledged again but counted once.
 */
export class BackOffice {
  failures = 0;
  readonly accepted = new Map<string, { body: unknown; times: number }>();
  requests = 0;
  badSignatures = 0;
  private server: Server | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<BackOffice> {
    const office = new BackOffice(await freePort());
    await office.up();
    return office;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/cases`;
  }

  up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        const body = Buffer.concat(chunks).toString('utf8');
        const timestamp = String(req.headers['x-ablak-timestamp'] ?? '');
        const signature = String(req.headers['x-ablak-signature'] ?? '');
        const key = String(req.headers['idempotency-key'] ?? '');
        const expected = `v1=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
        if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
          this.badSignatures++;
          res.writeHead(401).end();
          return;
        }
        if (this.failures > 0) {
          this.failures--;
          res.writeHead(503).end();
          return;
        }
        const seen = this.accepted.get(key);
        if (seen) seen.times++;
        else this.accepted.set(key, { body: JSON.parse(body) as unknown, times: 1 });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  address(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null) ?? null;
  }
}

export function recordsEnv(opts: { appUrl?: string; ownerUrl?: string; dataDir: string; webhook?: BackOffice }): Record<string, string> {
  return {
    DATA_DIR: opts.dataDir,
    ...(opts.appUrl && { DATABASE_URL: opts.appUrl }),
    ...(opts.ownerUrl && { DATABASE_MIGRATION_URL: opts.ownerUrl }),
    ...(opts.webhook && {
      CASE_WEBHOOK_URL: opts.webhook.url,
      CASE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      HANDOFF_MIN_BACKOFF_MS: '100',
      HANDOFF_MAX_BACKOFF_MS: '1000',
      HANDOFF_POLL_MS: '100',
    }),
  };
}

/** Waits until the node's records are written (the outbox is empty). */
export async function recordsWritten(server: RunningSignaling): Promise<void> {
  await server.context.records.opened;
  await server.context.records.idle();
}

export interface ServedCall {
  call: CallSummary;
  ticketId: string;
  citizen: Client;
}

/**
 * One citizen served by `clerk` (already available): ticket, offer, accept, optionally a case and
 * a note, then the clerk ends the call and finishes wrap-up (back to available).
 */
export async function serveCall(
  fx: Fixture,
  server: RunningSignaling,
  clerk: Client,
  opts: { caseType?: string; openCase?: boolean; note?: string; rating?: number; beforeAccept?: () => Promise<void> } = {},
): Promise<ServedCall & { caseReference: string | null; acceptMs: number }> {
  const offered = clerk.next<Offer>('offer:received');
  const ticket = await fx.ticket(server.url, { caseType: opts.caseType ?? 'ID-01', displayName: 'Kiss Anna' });
  const citizen = await fx.connect(server.url, '/citizen', { token: ticket.citizenToken, resumeSecret: ticket.resumeSecret });
  expectOk(await citizen.request('queue:join'));
  const offer = await offered;
  await opts.beforeAccept?.();
  const acceptStarted = performance.now();
  const { call } = expectOk(await clerk.request<{ call: CallSummary }>('offer:accept', { ticketId: offer.ticketId }));
  const acceptMs = performance.now() - acceptStarted;
  let caseReference: string | null = null;
  if (opts.openCase) caseReference = expectOk(await clerk.request<{ caseReference: string }>('case:open', { callId: call.callId })).caseReference;
  if (opts.note) expectOk(await clerk.request('call:note', { callId: call.callId, text: opts.note }));
  expectOk(await clerk.request('call:end', { callId: call.callId }));
  if (opts.rating) expectOk(await citizen.request('call:rate', { rating: opts.rating }));
  expectOk(await clerk.request('wrapup:done', { next: 'available' }));
  return { call, ticketId: ticket.ticketId, citizen, caseReference, acceptMs };
}
