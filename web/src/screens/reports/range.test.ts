import { describe, expect, it } from 'vitest';
import { centerClock, csvFileName, dayStart, offsetText, rangeQuery, todayRange } from './range';

describe('offsetText', () => {
  it('writes the offset east of UTC', () => {
    expect(offsetText(480)).toBe('+08:00');
    expect(offsetText(0)).toBe('+00:00');
    expect(offsetText(-330)).toBe('-05:30');
  });
});

describe('ranges in the center time zone', () => {
  it("defaults to the center's today, not the browser's", () => {
    // 23:30 UTC on 22 Nov is already 23 Nov in Taipei (+08:00) and still 22 Nov in New York.
    const now = Date.parse('2026-11-22T23:30:00Z');
    expect(todayRange(now, 480)).toEqual({ from: '2026-11-23', to: '2026-11-23' });
    expect(todayRange(now, -300)).toEqual({ from: '2026-11-22', to: '2026-11-22' });
    expect(centerClock(now, 480).getUTCHours()).toBe(7);
  });
  it("sends the center's midnights with the day after the last one as the end", () => {
    expect(dayStart('2026-11-22', 480)).toBe('2026-11-22T00:00:00+08:00');
    expect(rangeQuery({ from: '2026-11-22', to: '2026-11-22' }, 480)).toEqual({
      from: '2026-11-22T00:00:00+08:00',
      to: '2026-11-23T00:00:00+08:00',
    });
    expect(rangeQuery({ from: '2026-12-31', to: '2026-12-31' }, -330)?.to).toBe('2027-01-01T00:00:00-05:30');
    // A center day is 24 hours whatever the browser's daylight saving does.
    const q = rangeQuery({ from: '2026-03-28', to: '2026-03-29' }, 60)!;
    expect(Date.parse(q.to) - Date.parse(q.from)).toBe(2 * 86_400_000);
  });
  it('refuses a reversed or malformed range', () => {
    expect(rangeQuery({ from: '2026-11-23', to: '2026-11-22' }, 0)).toBeNull();
    expect(rangeQuery({ from: '2026-02-30', to: '2026-03-01' }, 0)).toBeNull();
    expect(rangeQuery({ from: '', to: '2026-03-01' }, 0)).toBeNull();
  });
  it('names the CSV file after the queue, days and interval', () => {
    expect(csvFileName('billing', { from: '2026-11-22', to: '2026-11-23' }, '1h')).toBe('hotline-billing-2026-11-22_2026-11-23-1h.csv');
    expect(csvFileName('', { from: 'a', to: 'b' }, '15m')).toBe('hotline-all-a_b-15m.csv');
    expect(csvFileName('../x y', { from: 'a', to: 'b' }, '15m')).toBe('hotline-___x_y-a_b-15m.csv');
  });
});
