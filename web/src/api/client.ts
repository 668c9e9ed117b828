// The typed fetch client: bearer token from the session, JSON in and out, errors as ApiError.
// A 401 ends the session, which sends the shell back to the login screen.
import { session, endSession } from '../state/session';
import { ApiError, toApiError } from './errors';

export const API_BASE = '/api/v1';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Raw text answer (CSV, queue_log) instead of JSON. */
  text?: boolean;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const token = session.value?.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e), null);
  }
  const body = await res.text();
  if (!res.ok) {
    const err = toApiError(res.status, body);
    if (res.status === 401 && token && path !== '/login') endSession();
    throw err;
  }
  if (opts.text) return body as T;
  return (body ? JSON.parse(body) : {}) as T;
}
