/**
 * RedisStore: the fleet store. Every step that changes state is one Lua script (lua-lib.ts +
 * lua-steps.ts), loaded once per connection and run by EVALSHA, so it is atomic across nodes; reads
 * are plain commands. Events are published by the scripts themselves and received by every node.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AblakError, SFU_NODE_TTL_MS, SFU_REGISTRY_REDIS_KEY, SfuNodeInfo } from '@ablak/protocol';
import type { ErrorCode } from '@ablak/protocol';
import type { Catalogue } from '../../queue/catalogue';
import { DEFAULT_DESK_OPTIONS } from '../../queue/desk';
import type { DeskEvent } from '../../queue/events';
import { dayOf } from '../../queue/stats';
import type { StoreListener, StoreOptions } from '../types';
import { LUA_LIB, LUA_MAIN } from './lua-lib';
import { LUA_MATCH } from './lua-match';
import { LUA_CLOSE_CALL, STEPS, type StepName } from './lua-steps';
import * as norm from './normalize';
import { asUnavailable, openRedis, urlTarget, type RedisTarget } from './connection';

export interface RedisStoreOptions extends StoreOptions {
  /** redis:// URL (or `target`). */
  url?: string;
  /** Where Redis is (a URL or Sentinels); wins over `url`. */
  target?: RedisTarget;
  /** Key prefix; keep the braces (a hash tag: one cluster slot). Default `{ablak}:`. */
  prefix?: string;
  /** Hash of live SFU nodes (default SFU_REGISTRY_REDIS_KEY, shared with the SFU's publisher). */
  sfuRegistryKey?: string;
  /** Most waiting tickets / clerks per level one match step looks at (default 32). */
  scanDepth?: number;
  /**
   * After each step, wait until this many replicas have its writes (Redis WAIT) before answering,
   * so a failover to a replica cannot lose what a client was told had happened. 0 = off (default).
   */
  waitReplicas?: number;
  /** How long that wait may take (ms, default 100); past it the step answers anyway. */
  waitTimeoutMs?: number;
  /** Told why a message on the events channel was dropped (not JSON, not an event); never its content. */
  onMalformed?: (reason: string) => void;
}

/** After a WAIT that found too few replicas, steps answer without waiting for this long. */
const WAIT_OFF_MS = 5000;

/** The full source of a step's script. */
export function stepScript(name: StepName): string {
  if (name === 'match') return LUA_MATCH;
  return `${LUA_LIB}\n${LUA_CLOSE_CALL}\n${STEPS[name]}\n${LUA_MAIN}`;
}

export class RedisBase {
  protected readonly redis: Redis;
  private readonly target: RedisTarget;
  protected readonly prefix: string;
  protected readonly sfuKey: string;
  private readonly shas = new Map<StepName, string>();
  private readonly fixedArgs: (now: number) => (string | number)[];
  private subscriber: Redis | null = null;
  private readonly listeners = new Set<StoreListener>();
  private closed = false;
  private waitOffUntil = 0;

  protected constructor(
    readonly catalogue: Catalogue,
    protected readonly options: RedisStoreOptions,
  ) {
    const target = options.target ?? (options.url !== undefined ? urlTarget(options.url) : undefined);
    if (!target) throw new Error('RedisStore needs a url or a target');
    this.target = target;
    this.redis = openRedis(target, 'request', { enableAutoPipelining: true });
    this.prefix = options.prefix ?? '{ablak}:';
    this.sfuKey = options.sfuRegistryKey ?? SFU_REGISTRY_REDIS_KEY;
    const graceMs = (options.dropGraceSeconds ?? DEFAULT_DESK_OPTIONS.dropGraceSeconds) * 1000;
    const rejectMs = (options.rejectDelaySeconds ?? DEFAULT_DESK_OPTIONS.rejectDelaySeconds) * 1000;
    const depth = options.scanDepth ?? DEFAULT_DESK_OPTIONS.scanDepth;
    const retentionMs = (options.retentionSeconds ?? DEFAULT_DESK_OPTIONS.retentionSeconds) * 1000;
    this.fixedArgs = (now) => [now, dayOf(now), retentionMs, graceMs, rejectMs, depth];
  }

  /** Connects, writes the queue configuration the scripts read, and loads every script once. */
  protected async init(): Promise<void> {
    await this.redis.connect();
    // what the scripts need of each queue, as plain hash fields (no JSON to decode on the hot path)
    await Promise.all(
      [...this.catalogue.queues.values()].map((q) =>
        this.redis.hset(`${this.prefix}qc:${q.id}`, {
          strategy: q.strategy,
          offerTimeoutSeconds: q.offerTimeoutSeconds,
          wrapUpSeconds: q.wrapUpSeconds,
          targetAnswerSeconds: q.targetAnswerSeconds,
          tierStepSeconds: this.catalogue.tierStep(q.id),
        }),
      ),
    );
    await Promise.all((Object.keys(STEPS) as StepName[]).map((name) => this.load(name)));
  }

  private async load(name: StepName): Promise<string> {
    const source = stepScript(name);
    const sha = createHash('sha1').update(source).digest('hex');
    const loaded = (await this.redis.script('LOAD', source)) as string;
    if (loaded !== sha) throw new Error(`script ${name}: unexpected sha ${loaded}`);
    this.shas.set(name, sha);
    return sha;
  }

  /**
   * Waits (Redis WAIT) until `waitReplicas` replicas have this connection's writes. A replica that
   * is connected but slow gets a second, longer wait, and if even that is not enough the step
   * answers UNAVAILABLE (its write is on the master only: the client retries). When fewer replicas
   * than that are connected at all (the one replica was just promoted, or is down), there is nothing
   * to wait for: WAIT blocks the connection every request shares, so it is left off for 5 s instead
   * of costing every step its timeout.
   */
  private async replicated(): Promise<void> {
    const replicas = this.options.waitReplicas ?? 0;
    if (replicas === 0 || Date.now() < this.waitOffUntil) return;
    const timeout = this.options.waitTimeoutMs ?? 100;
    if (Number(await this.redis.call('WAIT', replicas, timeout)) >= replicas) return;
    const role = (await this.redis.call('ROLE')) as unknown[];
    const connected = role[0] === 'master' && Array.isArray(role[2]) ? role[2].length : 0;
    if (connected < replicas) {
      this.waitOffUntil = Date.now() + WAIT_OFF_MS;
      return;
    }
    if (Number(await this.redis.call('WAIT', replicas, 4 * timeout)) >= replicas) return;
    throw new AblakError('UNAVAILABLE', 'The service is briefly unavailable; try again in a moment', {
      cause: 'the step did not reach a replica in time',
    });
  }

  /** SHA of a step's script (for redis-benchmark). */
  scriptSha(name: StepName): string | undefined {
    return this.shas.get(name);
  }

  /** Runs one step by EVALSHA (reloading once if the server lost its script cache). */
  protected async step<T>(name: StepName, now: number, args: (string | number)[]): Promise<T> {
    const argv = [...this.fixedArgs(now), ...args];
    let raw: unknown;
    try {
      raw = await this.redis.evalsha(this.shas.get(name) ?? (await this.load(name)), 1, this.prefix, ...argv);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw asUnavailable(error);
      raw = await this.redis.evalsha(await this.load(name), 1, this.prefix, ...argv);
    }
    const reply = JSON.parse(String(raw)) as { ok?: T; err?: ErrorCode; message?: string };
    if (reply.err) throw new AblakError(reply.err, reply.message ?? reply.err);
    await this.replicated();
    return (reply.ok ?? null) as T;
  }

  async putSfuNode(info: SfuNodeInfo): Promise<void> {
    await this.redis.hset(this.sfuKey, info.id, JSON.stringify(info));
  }
  async removeSfuNode(id: string): Promise<void> {
    await this.redis.hdel(this.sfuKey, id);
  }
  async liveSfuNodes(now: number): Promise<SfuNodeInfo[]> {
    const all = await this.redis.hvals(this.sfuKey);
    return all.flatMap((raw) => {
      const parsed = SfuNodeInfo.safeParse(safeJson(raw));
      return parsed.success && now - parsed.data.updatedAt < SFU_NODE_TTL_MS ? [parsed.data] : [];
    });
  }

  async subscribe(listener: StoreListener): Promise<() => void> {
    if (!this.subscriber) {
      // Its own connection (not `duplicate()`: that would copy the fail-fast options of requests);
      // it resubscribes by itself after an outage.
      const sub = openRedis(this.target, 'blocking');
      sub.on('error', () => undefined);
      this.subscriber = sub;
      sub.on('message', (_channel: string, message: string) => {
        // one message per step: the step's events in order. Anyone who can publish on the channel
        // can send anything: what is not an event is dropped (and reported), never thrown here,
        // where it would be an uncaught exception in the connection's reader.
        let parsed: unknown;
        try {
          parsed = JSON.parse(message);
        } catch {
          this.options.onMalformed?.('not JSON');
          return;
        }
        for (const raw of Array.isArray(parsed) ? (parsed as unknown[]) : [parsed]) {
          let event: DeskEvent;
          try {
            if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string')
              throw new Error('not an event');
            event = norm.event(raw as DeskEvent);
          } catch {
            this.options.onMalformed?.('not an event');
            continue;
          }
          for (const l of this.listeners) {
            try {
              l(event);
            } catch {
              // a listener cannot break the store
            }
          }
        }
      });
      await sub.subscribe(`${this.prefix}events`);
    }
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await Promise.all([this.redis.quit().catch(() => undefined), this.subscriber?.quit().catch(() => undefined)]);
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
