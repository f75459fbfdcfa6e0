import type { z } from 'zod';
import { AppError, readFailure } from './errors';

export interface ApiOptions<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** JSON body (objects) or a FormData upload. */
  body?: unknown;
  token?: string;
  query?: Record<string, string | number | undefined>;
  /** Validates the success body; its output is what the call resolves with. */
  schema: S;
  signal?: AbortSignal;
  /** Base URL of signaling; default the page's origin. */
  baseUrl?: string;
}

function buildUrl(path: string, baseUrl: string | undefined, query: ApiOptions<z.ZodType>['query']): string {
  const url = new URL(path, baseUrl || globalThis.location?.origin || 'http://localhost');
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  return url.toString();
}

function failureStatus(status: number): AppError {
  const code =
    status === 413
      ? 'PAYLOAD_TOO_LARGE'
      : status === 415
        ? 'UNSUPPORTED_MEDIA_TYPE'
        : status === 429
          ? 'RATE_LIMITED'
          : status === 401
            ? 'UNAUTHORIZED'
            : status === 403
              ? 'FORBIDDEN'
              : status === 404
                ? 'NOT_FOUND'
                : status >= 500
                  ? 'UNAVAILABLE'
                  : 'BAD_REQUEST';
  return new AppError({ code, message: `HTTP ${status}` }, status);
}

/**
 * Fetches a file from the HTTP API (a CSV export, a document) with the bearer token. A failure
 * answers like `apiFetch`: the server's `{ ok: false, error }`, or a code from the HTTP status.
 */
export async function apiBlob(
  path: string,
  options: Omit<ApiOptions<z.ZodType>, 'schema' | 'body' | 'method'>,
): Promise<Blob> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.baseUrl, options.query), { headers, signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new AppError({ code: 'UNAVAILABLE', message: 'Network error' });
  }
  if (response.ok) return response.blob();
  const failure = readFailure(await response.json().catch(() => undefined));
  throw failure ? new AppError(failure, response.status) : failureStatus(response.status);
}

/**
 * Calls the HTTP API: JSON in and out, bearer token, the body checked with `schema`. A failure body
 * `{ ok: false, error }` becomes an `AppError` with the HTTP status; a network error is UNAVAILABLE.
 */
export async function apiFetch<S extends z.ZodType>(
  path: string,
  options: ApiOptions<S>,
): Promise<z.output<S>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.baseUrl, options.query), {
      method: options.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new AppError({ code: 'UNAVAILABLE', message: 'Network error' });
  }
  const json: unknown = await response.json().catch(() => undefined);
  const failure = readFailure(json);
  if (failure) throw new AppError(failure, response.status);
  if (!response.ok) throw failureStatus(response.status);
  const parsed = options.schema.safeParse(json);
  if (!parsed.success)
    throw new AppError({ code: 'INTERNAL', message: 'Unexpected answer from the server' }, response.status);
  return parsed.data;
}
