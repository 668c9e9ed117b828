import { afterEach, describe, expect, it, vi } from 'vitest';
import { session, startSession } from '../state/session';
import { buildUrl, request } from './client';
import { ApiError } from './errors';

const user = { id: 2, username: 'hua', roles: ['agent' as const], agent_id: 'a9' };

function answer(status: number, body: string) {
  return vi.fn(async (_url: string, _init?: RequestInit) => new Response(body, { status }));
}

afterEach(() => {
  vi.unstubAllGlobals();
  session.value = null;
});

describe('request', () => {
  it('sends the bearer token and JSON body, and parses the answer', async () => {
    startSession({ token: 'tok', user });
    const fetch = answer(200, '{"id":1,"state":"queued"}');
    vi.stubGlobal('fetch', fetch);
    const r = await request<{ id: number }>('/interactions', { method: 'POST', body: { queue: 'q' } });
    expect(r.id).toBe(1);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/v1/interactions');
    expect((init!.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(init!.body).toBe('{"queue":"q"}');
  });

  it('throws the API error with its field, and a 401 ends the session', async () => {
    startSession({ token: 'tok', user });
    vi.stubGlobal('fetch', answer(409, '{"error":{"code":"failed_precondition","message":"offer is no longer pending","field":"offer"}}'));
    const conflict = await request('/offers/1/accept', { method: 'POST' }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ApiError);
    expect((conflict as ApiError).field).toBe('offer');
    expect(session.value).not.toBeNull();
    vi.stubGlobal('fetch', answer(401, '{"error":{"code":"unauthenticated","message":"expired"}}'));
    await expect(request('/me')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(session.value).toBeNull();
  });

  it('reports an unreachable server as a network error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(request('/me')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});

describe('buildUrl', () => {
  it('leaves out empty query values and encodes the rest', () => {
    expect(buildUrl('/interactions', { customer: '+886 9', from: undefined, limit: 5, to: '' })).toBe('/api/v1/interactions?customer=%2B886+9&limit=5');
  });
});
