// Coalesced refetching: events mark keys (queues, the trend) stale; each stale key is read again
// at most once per `minIntervalMs`, with at most `maxInFlight` reads at once and `maxPerSecond`
// started in any second. However many events arrive, the server sees a bounded, steady trickle;
// a key marked while its read is in flight is read once more afterwards, so nothing stays stale.
export interface RefreshPolicy {
  minIntervalMs: number;
  maxInFlight: number;
  maxPerSecond: number;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class CoalescingRefresher<K> {
  private readonly dirty = new Map<K, number>(); // key → when first marked
  private readonly lastStart = new Map<K, number>();
  private readonly inFlight = new Set<K>();
  private starts: number[] = [];
  private timer: unknown = null;
  private closed = false;
  /** Reads started, in all (for measurements). */
  started = 0;

  constructor(
    /** Reads `key`; `staleSince` is when it was first marked since its previous read. */
    private readonly read: (key: K, staleSince: number) => Promise<unknown>,
    private readonly policy: RefreshPolicy,
    private readonly clock: Clock = realClock,
  ) {}

  mark(key: K): void {
    if (this.closed) return;
    if (!this.dirty.has(key)) this.dirty.set(key, this.clock.now());
    this.pump();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private pump(): void {
    if (this.closed) return;
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    const now = this.clock.now();
    this.starts = this.starts.filter((t) => now - t < 1000);
    let wakeAt = Infinity;
    // Oldest-marked first, so no key starves behind busier ones.
    const ordered = [...this.dirty.entries()].sort((a, b) => a[1] - b[1]);
    for (const [key] of ordered) {
      if (this.inFlight.has(key)) continue;
      if (this.inFlight.size >= this.policy.maxInFlight) break;
      if (this.starts.length >= this.policy.maxPerSecond) {
        wakeAt = Math.min(wakeAt, this.starts[0]! + 1000);
        break;
      }
      const readyAt = (this.lastStart.get(key) ?? -Infinity) + this.policy.minIntervalMs;
      if (readyAt > now) {
        wakeAt = Math.min(wakeAt, readyAt);
        continue;
      }
      this.start(key, now);
    }
    if (wakeAt !== Infinity) this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, wakeAt - now));
  }

  private start(key: K, now: number): void {
    const staleSince = this.dirty.get(key) ?? now;
    this.dirty.delete(key);
    this.inFlight.add(key);
    this.lastStart.set(key, now);
    this.starts.push(now);
    this.started++;
    const done = () => {
      this.inFlight.delete(key);
      this.pump();
    };
    this.read(key, staleSince).then(done, done);
  }
}
