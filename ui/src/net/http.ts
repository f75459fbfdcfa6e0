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
  if (!response.ok) {
    const code =
      response.status === 413
        ? 'PAYLOAD_TOO_LARGE'
        : response.status === 415
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : response.status === 429
            ? 'RATE_LIMITED'
            : response.status >= 500
              ? 'UNAVAILABLE'
              : 'BAD_REQUEST';
    throw new AppError({ code, message: `HTTP ${response.status}` }, response.status);
  }
  const parsed = options.schema.safeParse(json);
  if (!parsed.success)
    throw new AppError({ code: 'INTERNAL', message: 'Unexpected answer from the server' }, response.status);
  return parsed.data;
}
