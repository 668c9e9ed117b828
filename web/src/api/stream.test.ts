import { describe, expect, it } from 'vitest';
import { StreamCursor, backoffMs, openStream, parseFrame, streamUrl, type SocketLike } from './stream';
import type { LogEvent } from './types';

const ev = (seq: number, type = 'agent.presence_changed'): LogEvent => ({ seq, type, at: '2026-11-22T10:00:00Z', actor: 'user:1', data: {} });

describe('parseFrame', () => {
  it('reads an event page frame with its next cursor', () => {
    const f = parseFrame(JSON.stringify({ events: [ev(4), ev(5)], next: 7 }));
    expect(f.events.map((e) => e.seq)).toEqual([4, 5]);
    expect(f.next).toBe(7);
  });
  it('accepts a bare event object (the transitional format)', () => {
    const f = parseFrame(JSON.stringify(ev(9)));
    expect(f.events.map((e) => e.seq)).toEqual([9]);
    expect(f.next).toBeNull();
  });
  it('rejects frames that are neither format', () => {
    expect(() => parseFrame('{"hello":1}')).toThrow();
    expect(() => parseFrame('{"events":[{"nope":1}],"next":2}')).toThrow();
    expect(() => parseFrame('not json')).toThrow();
  });
});

describe('StreamCursor', () => {
  it('drops events at or before the cursor and advances to next', () => {
    const c = new StreamCursor(5);
    expect(c.take({ events: [ev(4), ev(5), ev(6)], next: 6 }).map((e) => e.seq)).toEqual([6]);
    expect(c.after).toBe(6);
    // An empty page for filtered-out events still moves the cursor.
    expect(c.take({ events: [], next: 10 })).toEqual([]);
    expect(c.after).toBe(10);
    expect(c.take({ events: [ev(10), ev(11)], next: null }).map((e) => e.seq)).toEqual([11]);
    expect(c.after).toBe(11);
  });
  it('starts from the first event when live-only', () => {
    const c = new StreamCursor(null);
    expect(c.take({ events: [ev(42)], next: null }).map((e) => e.seq)).toEqual([42]);
    expect(c.after).toBe(42);
  });
});

describe('backoffMs and streamUrl', () => {
  it('doubles from half a second up to fifteen', () => {
    expect([0, 1, 2, 3, 10].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 15000]);
  });
  it('passes token and after, ws or wss by page scheme', () => {
    expect(streamUrl('a b', 3, { protocol: 'http:', host: 'h:1' })).toBe('ws://h:1/api/v1/stream?token=a+b&after=3');
    expect(streamUrl('t', null, { protocol: 'https:', host: 'h' })).toBe('wss://h/api/v1/stream?token=t');
  });
});

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closed = false;
  constructor(readonly url: string) {}
  close() {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.({});
  }
  send(obj: unknown) {
    this.onmessage?.({ data: JSON.stringify(obj) });
  }
}

describe('openStream', () => {
  function harness(after: number | null) {
    const sockets: FakeSocket[] = [];
    const timers: { fn: () => void; ms: number }[] = [];
    const got: number[] = [];
    const statuses: string[] = [];
    const handle = openStream({
      token: () => 'tok',
      after,
      onEvents: (es) => got.push(...es.map((e) => e.seq)),
      onStatus: (s) => statuses.push(s),
      socket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      url: (token, a) => `${token}@${a ?? 'live'}`,
      setTimer: (fn, ms) => timers.push({ fn, ms }),
      clearTimer: () => {},
    });
    return { sockets, timers, got, statuses, handle };
  }

  it('reconnects after a drop from the last cursor, with no repeat and no gap', () => {
    const h = harness(0);
    expect(h.sockets[0]!.url).toBe('tok@0');
    h.sockets[0]!.onopen?.({});
    h.sockets[0]!.send({ events: [ev(1), ev(2)], next: 2 });
    h.sockets[0]!.send(ev(3));
    h.sockets[0]!.close();
    expect(h.timers.map((t) => t.ms)).toEqual([500]);
    h.timers[0]!.fn();
    expect(h.sockets[1]!.url).toBe('tok@3');
    // The server resends what the client already has: it is dropped.
    h.sockets[1]!.send({ events: [ev(3), ev(4)], next: 4 });
    expect(h.got).toEqual([1, 2, 3, 4]);
    expect(h.statuses).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting']);
  });

  it('backs off longer while connections keep failing, and resets after an open', () => {
    const h = harness(null);
    h.sockets[0]!.close();
    h.timers[0]!.fn();
    h.sockets[1]!.close();
    h.timers[1]!.fn();
    h.sockets[2]!.onopen?.({});
    h.sockets[2]!.close();
    expect(h.timers.map((t) => t.ms)).toEqual([500, 1000, 500]);
  });

  it('reconnects from the cursor after a garbled frame', () => {
    const h = harness(7);
    h.sockets[0]!.onopen?.({});
    h.sockets[0]!.send(ev(8));
    h.sockets[0]!.onmessage?.({ data: '{garbage' });
    expect(h.sockets[0]!.closed).toBe(true);
    h.timers[0]!.fn();
    expect(h.sockets[1]!.url).toBe('tok@8');
  });

  it('stops for good when closed by the caller', () => {
    const h = harness(1);
    h.handle.close();
    expect(h.sockets[0]!.closed).toBe(true);
    expect(h.timers).toEqual([]);
    expect(h.statuses.at(-1)).toBe('closed');
  });
});
