// Report periods (pure; range.test.ts): the date inputs hold calendar days of the center (GET
// /center's UTC offset, so a day is the center's day wherever the browser is), the "to" day
// included; the API takes RFC 3339 instants, so a day is sent as the center's midnight with its
// offset.

export const INTERVALS = ['15m', '30m', '1h', '1d'] as const;
export type IntervalId = (typeof INTERVALS)[number];

const pad = (n: number) => String(n).padStart(2, '0');

/** The calendar day of a UTC date's fields as `YYYY-MM-DD`. */
function utcDay(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `+08:00` for 480 minutes east of UTC. */
export function offsetText(eastMin: number): string {
  const sign = eastMin >= 0 ? '+' : '-';
  const a = Math.abs(eastMin);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** The day `YYYY-MM-DD` as a UTC midnight (for day arithmetic), or null when it is no date. */
function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) || utcDay(d) !== day ? null : d;
}

/** The center's midnight of a day as RFC 3339 with the center's offset. */
export function dayStart(day: string, eastMin: number): string | null {
  return parseDay(day) ? `${day}T00:00:00${offsetText(eastMin)}` : null;
}

/** The instant `ms` as the center's wall clock: a Date whose UTC fields are the center's time. */
export function centerClock(ms: number, eastMin: number): Date {
  return new Date(ms + eastMin * 60_000);
}

export interface DayRange {
  from: string;
  to: string;
}

/** The center's today, the default. */
export function todayRange(nowMs: number, eastMin: number): DayRange {
  const day = utcDay(centerClock(nowMs, eastMin));
  return { from: day, to: day };
}

/** The query's from/to for a range of whole center days (to included), or null when invalid. */
export function rangeQuery(r: DayRange, eastMin: number): { from: string; to: string } | null {
  const from = parseDay(r.from);
  const to = parseDay(r.to);
  if (!from || !to || to < from) return null;
  const after = new Date(to.getTime() + 86_400_000);
  return { from: dayStart(r.from, eastMin)!, to: dayStart(utcDay(after), eastMin)! };
}

/** The CSV file's name: `hotline-billing-2026-11-22_2026-11-22-15m.csv`. */
export function csvFileName(queue: string, r: DayRange, interval: string): string {
  const safe = (queue || 'all').replace(/[^A-Za-z0-9_-]/g, '_');
  return `hotline-${safe}-${r.from}_${r.to}-${interval}.csv`;
}
