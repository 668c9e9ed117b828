import { describe, expect, it } from 'vitest';
import { CoalescingRefresher, type Clock } from './wallboard_refresh';

/** A manual clock: timers run when `advance` passes them. */
class FakeClock implements Clock {
  t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => void this.timers.delete(h as number);
  async advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}
const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(policy = { minIntervalMs: 500, maxInFlight: 4, maxPerSecond: 8 }) {
  const clock = new FakeClock();
  const reads: Array<[string, number]> = [];
  const r = new CoalescingRefresher<string>(async (k) => void reads.push([k, clock.t]), policy, clock);
  return { clock, reads, r };
}

describe('CoalescingRefresher', () => {
  it('reads a key once however often it is marked, then at most every minIntervalMs', async () => {
    const { clock, reads, r } = setup();
    for (let i = 0; i < 100; i++) r.mark('q1');
    await flush();
    expect(reads).toEqual([['q1', 0]]);
    for (let i = 0; i < 100; i++) r.mark('q1');
    await clock.advance(499);
    expect(reads.length).toBe(1);
    await clock.advance(1);
    expect(reads).toEqual([['q1', 0], ['q1', 500]]);
    await clock.advance(5000);
    expect(reads.length).toBe(2);
  });

  it('caps the reads started per second and serves the oldest marks first', async () => {
    const { clock, reads, r } = setup({ minIntervalMs: 500, maxInFlight: 100, maxPerSecond: 3 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) r.mark(k);
    await flush();
    expect(reads.map((x) => x[0])).toEqual(['a', 'b', 'c']);
    await clock.advance(1000);
    expect(reads.map((x) => x[0])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(reads[3]![1]).toBe(1000);
  });

  it('reads again after an in-flight read when marked meanwhile', async () => {
    const clock = new FakeClock();
    let release: () => void = () => {};
    const reads: number[] = [];
    const r = new CoalescingRefresher<string>(
      () => { reads.push(clock.t); return new Promise<void>((res) => (release = res)); },
      { minIntervalMs: 100, maxInFlight: 1, maxPerSecond: 10 },
      clock,
    );
    r.mark('q');
    r.mark('q');
    await clock.advance(1000);
    expect(reads).toEqual([0]);
    release();
    await flush();
    expect(reads).toEqual([0, 1000]);
    release();
    await clock.advance(1000);
    expect(reads.length).toBe(2);
    r.close();
    r.mark('q');
    await clock.advance(1000);
    expect(reads.length).toBe(2);
  });
});
