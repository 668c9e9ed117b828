import { describe, expect, it } from 'vitest';
import { ServerClock, parseDurationS, secondsLeft } from './server_clock';

describe('ServerClock', () => {
  it('trusts the browser until it sees an event', () => {
    expect(new ServerClock().now(1000)).toBe(1000);
  });
  it('takes the largest at − arrival sample as the offset', () => {
    const c = new ServerClock();
    const base = Date.parse('2026-11-22T10:00:00Z');
    c.observe('2026-11-22T09:59:00Z', base); // an old catch-up event
    c.observe('2026-11-22T10:00:04.900Z', base); // live: server is ~5 s ahead
    c.observe('2026-11-22T10:00:03Z', base);
    expect(c.offset).toBe(4900);
    expect(c.now(base)).toBe(base + 4900);
  });
});

describe('secondsLeft', () => {
  it('counts down to the deadline and stops at zero', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(secondsLeft('2026-11-22T10:00:20Z', now)).toBe(20);
    expect(secondsLeft('2026-11-22T09:59:00Z', now)).toBe(0);
    expect(secondsLeft('garbage', now)).toBe(0);
  });
});

describe('parseDurationS', () => {
  it('reads the settings format', () => {
    expect(['30s', '2m', '1h', '1m30s', '0', 45, '', 'x'].map(parseDurationS)).toEqual([30, 120, 3600, 90, null, 45, null, null]);
  });
});
