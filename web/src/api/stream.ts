// The live event stream: WebSocket /api/v1/stream?token=…&after=SEQ.
//
// Frame format: each text frame is `{"events":[{seq,type,at,actor,data},…],"next":SEQ}`, the shape
// of a GET /events page; a bare event object per frame (the server's earlier format) is accepted
// too. The cursor remembers the last sequence number seen (`next` when the frame carries one), so
// a reconnect asks for `after=cursor` and nothing is skipped or delivered twice. Reconnects back
// off exponentially (0.5 s doubling to 15 s) and reset after a successful open.
import type { LogEvent } from './types';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface Frame {
  events: LogEvent[];
  /** The cursor to resume from, when the frame says so. */
  next: number | null;
}

function isEvent(v: unknown): v is LogEvent {
  const e = v as LogEvent;
  return typeof e === 'object' && e !== null && typeof e.seq === 'number' && typeof e.type === 'string';
}

/** Parses one text frame; throws on anything that is neither format. */
export function parseFrame(text: string): Frame {
  const v = JSON.parse(text) as unknown;
  if (isEvent(v)) return { events: [v], next: null };
  const page = v as { events?: unknown; next?: unknown };
  if (typeof page === 'object' && page !== null && Array.isArray(page.events)) {
    const events = page.events.filter(isEvent);
    if (events.length !== page.events.length) throw new Error('stream frame holds a malformed event');
    return { events, next: typeof page.next === 'number' ? page.next : null };
  }
  throw new Error('stream frame is neither an event nor an event page');
}

/** Tracks the last sequence number delivered; drops anything at or before it. */
export class StreamCursor {
  constructor(public after: number | null) {}

  /** The frame's events not delivered yet, in order; advances the cursor. */
  take(frame: Frame): LogEvent[] {
    const fresh: LogEvent[] = [];
    for (const e of frame.events) {
      if (this.after !== null && e.seq <= this.after) continue;
      fresh.push(e);
      this.after = e.seq;
    }
    // `next` is the GET /events meaning: the value to pass as `after` for what follows.
    if (frame.next !== null && (this.after === null || frame.next > this.after)) this.after = frame.next;
    return fresh;
  }
}

export function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 15_000);
}

export function streamUrl(token: string, after: number | null, loc: { protocol: string; host: string } = location): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  const q = new URLSearchParams({ token });
  if (after !== null) q.set('after', String(after));
  return `${scheme}://${loc.host}/api/v1/stream?${q.toString()}`;
}

/** The part of WebSocket the stream uses (a fake in tests). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}

export interface StreamOptions {
  token: () => string | null;
  /** Resume after this sequence number; null = live events only (until the first one arrives). */
  after: number | null;
  onEvents: (events: LogEvent[]) => void;
  onStatus?: (status: StreamStatus) => void;
  /** Called after each failed attempt (e.g. to probe /me, whose 401 ends the session). */
  onFailure?: (attempt: number) => void;
  socket?: (url: string) => SocketLike;
  url?: (token: string, after: number | null) => string;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface StreamHandle {
  close(): void;
  readonly cursor: StreamCursor;
}

export function openStream(opts: StreamOptions): StreamHandle {
  const cursor = new StreamCursor(opts.after);
  const makeSocket = opts.socket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const makeUrl = opts.url ?? streamUrl;
  const setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let socket: SocketLike | null = null;
  let timer: unknown = null;
  let attempt = 0;
  let stopped = false;

  const status = (s: StreamStatus) => opts.onStatus?.(s);

  const connect = () => {
    timer = null;
    const token = opts.token();
    if (stopped || !token) {
      status('closed');
      return;
    }
    status(attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = makeSocket(makeUrl(token, cursor.after));
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      status('live');
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let frame: Frame;
      try {
        frame = parseFrame(ev.data);
      } catch {
        ws.close(); // A garbled frame: start again from the cursor.
        return;
      }
      const fresh = cursor.take(frame);
      if (fresh.length > 0) opts.onEvents(fresh);
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      opts.onFailure?.(attempt);
      status('reconnecting');
      timer = setTimer(connect, backoffMs(attempt));
      attempt += 1;
    };
  };

  connect();
  return {
    cursor,
    close() {
      stopped = true;
      if (timer !== null) clearTimer(timer);
      const ws = socket;
      socket = null;
      ws?.close();
      status('closed');
    },
  };
}
