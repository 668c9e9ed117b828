import { describe, expect, it } from 'vitest';
import { csvFileName, dayStart, isoDay, offsetText, rangeQuery, todayRange } from './range';

describe('offsetText', () => {
  it('writes the offset east of UTC', () => {
    expect(offsetText(-480)).toBe('+08:00');
    expect(offsetText(0)).toBe('+00:00');
    expect(offsetText(330)).toBe('-05:30');
  });
});

describe('ranges', () => {
  it('defaults to today', () => {
    const now = new Date(2026, 10, 22, 15, 30);
    expect(todayRange(now)).toEqual({ from: '2026-11-22', to: '2026-11-22' });
    expect(isoDay(new Date(2026, 0, 5))).toBe('2026-01-05');
  });
  it('sends local midnights with the day after the last one as the end', () => {
    const off = offsetText(new Date(2026, 10, 22).getTimezoneOffset());
    expect(dayStart('2026-11-22')).toBe(`2026-11-22T00:00:00${off}`);
    const q = rangeQuery({ from: '2026-11-22', to: '2026-11-22' });
    expect(q?.from).toBe(`2026-11-22T00:00:00${off}`);
    expect(q?.to.startsWith('2026-11-23T00:00:00')).toBe(true);
    expect(rangeQuery({ from: '2026-12-31', to: '2026-12-31' })?.to.startsWith('2027-01-01T00:00:00')).toBe(true);
  });
  it('refuses a reversed or malformed range', () => {
    expect(rangeQuery({ from: '2026-11-23', to: '2026-11-22' })).toBeNull();
    expect(rangeQuery({ from: '2026-02-30', to: '2026-03-01' })).toBeNull();
    expect(rangeQuery({ from: '', to: '2026-03-01' })).toBeNull();
  });
  it('names the CSV file after the queue, days and interval', () => {
    expect(csvFileName('billing', { from: '2026-11-22', to: '2026-11-23' }, '1h')).toBe('hotline-billing-2026-11-22_2026-11-23-1h.csv');
    expect(csvFileName('', { from: 'a', to: 'b' }, '15m')).toBe('hotline-all-a_b-15m.csv');
    expect(csvFileName('../x y', { from: 'a', to: 'b' }, '15m')).toBe('hotline-___x_y-a_b-15m.csv');
  });
});
