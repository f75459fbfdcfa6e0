/**
 * How signaling opens its Redis connections: one place for the options every client shares, and for
 * what a dropped connection means to callers (a typed UNAVAILABLE at once, not a stall or INTERNAL).
 */
import { AblakError } from '@ablak/protocol';
import { Redis, ReplyError, type Command, type RedisOptions } from 'ioredis';

/** Where the store lives: one server, or the master that a set of Sentinels names (failover). */
export type RedisTarget =
  | { readonly kind: 'url'; readonly url: string }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly { readonly host: string; readonly port: number }[];
      readonly masterName: string;
      /** Password of the Redis servers (master and replicas). */
      readonly password?: string;
      /** Password of the Sentinels themselves, when they require one. */
      readonly sentinelPassword?: string;
    };

/** A target from a redis:// URL (tests and single-server fleets). */
export function urlTarget(url: string): RedisTarget {
  return { kind: 'url', url };
}

/**
 * What a connection is for. `request`: commands a caller waits on (store steps and reads, the KV):
 * they fail at once while the connection is down. `blocking`: the Socket.IO streams adapter's XREAD
 * loop, which must wait out an outage and carry on.
 */
export type RedisPurpose = 'request' | 'blocking';

/**
 * A request that gets no answer in this long is given up as UNAVAILABLE: for a network gone silent
 * (a stopped or killed Redis closes the connection, and that fails requests at once). Generous,
 * because a loaded 2-core box answered some commands after more than 2 s in the store race test.
 */
export const COMMAND_TIMEOUT_MS = 5000;

function targetOptions(target: RedisTarget): RedisOptions & { url?: string } {
  if (target.kind === 'url') return { url: target.url };
  return {
    sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: target.masterName,
    ...(target.password !== undefined && { password: target.password }),
    ...(target.sentinelPassword !== undefined && { sentinelPassword: target.sentinelPassword }),
    // After a failover the old master may come back as a replica: ask the Sentinels again on every
    // reconnect, and treat a READONLY answer as "the master moved" (reconnect).
    failoverDetector: true,
    reconnectOnError: (error: Error) => error.message.startsWith('READONLY'),
  };
}

/**
 * A dropped connection, a refused write or a timeout is the dependency being away, not a bug: the
 * caller gets AblakError('UNAVAILABLE') (HTTP 503, ack code UNAVAILABLE). Redis' own answers
 * (ReplyError: NOSCRIPT, WRONGTYPE, a script's error) pass through unchanged, except those that
 * say the server cannot take writes now (READONLY, LOADING, MASTERDOWN).
 */
export function asUnavailable(error: unknown): unknown {
  if (error instanceof AblakError) return error;
  // A replica that was a master a moment ago, a server still loading its AOF: the store is away too.
  if (error instanceof ReplyError && !/^(READONLY|LOADING|MASTERDOWN)\b/.test((error as Error).message)) return error;
  const cause = error instanceof Error ? error.message : String(error);
  return new AblakError('UNAVAILABLE', 'The service is briefly unavailable; try again in a moment', { cause });
}

/** ioredis with every command's failure translated by `asUnavailable` (pipelines and MULTI included). */
class TypedRedis extends Redis {
  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    const reject = command.reject;
    command.reject = (error: Error) => reject(asUnavailable(error) as Error);
    return super.sendCommand(command, stream);
  }
}

/**
 * Opens a connection (lazily: call `connect()`; the first connect may queue commands). For
 * `request` connections, once the first connect succeeded, commands sent while the connection is
 * down are refused at once instead of being queued, and commands in flight when it drops fail
 * at once instead of being resent: their outcome is unknown, so the caller decides.
 */
export function openRedis(
  target: RedisTarget,
  purpose: RedisPurpose,
  extra: RedisOptions = {},
): Redis {
  const { url, ...options } = targetOptions(target);
  const all: RedisOptions = {
    lazyConnect: true,
    ...options,
    ...(purpose === 'request'
      ? { maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS, autoResendUnfulfilledCommands: false }
      : { maxRetriesPerRequest: null }),
    // Reconnect quickly (at most every second) so readiness and requests recover soon after Redis does.
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
    ...extra,
  };
  const redis = url === undefined ? new TypedRedis(all) : new TypedRedis(url, all);
  // Connection errors reach callers through their commands (and readiness); no unhandled 'error'.
  redis.on('error', () => undefined);
  if (purpose === 'request') {
    redis.once('ready', () => {
      redis.options.enableOfflineQueue = false;
    });
  }
  return redis;
}
