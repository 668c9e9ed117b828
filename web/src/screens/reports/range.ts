// Report periods (pure; range.test.ts): the date inputs hold local calendar days, the "to" day
// included; the API takes RFC 3339 instants, so a day is sent as local midnight with its offset.

export const INTERVALS = ['15m', '30m', '1h', '1d'] as const;
export type IntervalId = (typeof INTERVALS)[number];

const pad = (n: number) => String(n).padStart(2, '0');

/** A local calendar day as `YYYY-MM-DD`. */
export function isoDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `+08:00` for a Date.getTimezoneOffset() of -480. */
export function offsetText(timezoneOffsetMin: number): string {
  const east = -timezoneOffsetMin;
  const sign = east >= 0 ? '+' : '-';
  const a = Math.abs(east);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) || isoDay(d) !== day ? null : d;
}

/** Local midnight of a day as RFC 3339 with the offset in force on that day. */
export function dayStart(day: string): string | null {
  const d = parseDay(day);
  return d ? `${day}T00:00:00${offsetText(d.getTimezoneOffset())}` : null;
}

export interface DayRange {
  from: string;
  to: string;
}

/** Today, the default. */
export function todayRange(now: Date): DayRange {
  const day = isoDay(now);
  return { from: day, to: day };
}

/** The query's from/to for a range of whole days (to included), or null when it is not valid. */
export function rangeQuery(r: DayRange): { from: string; to: string } | null {
  const from = parseDay(r.from);
  const to = parseDay(r.to);
  if (!from || !to || to < from) return null;
  const after = new Date(to.getFullYear(), to.getMonth(), to.getDate() + 1);
  return { from: dayStart(r.from)!, to: dayStart(isoDay(after))! };
}

/** The CSV file's name: `hotline-billing-2026-11-22_2026-11-22-15m.csv`. */
export function csvFileName(queue: string, r: DayRange, interval: string): string {
  const safe = (queue || 'all').replace(/[^A-Za-z0-9_-]/g, '_');
  return `hotline-${safe}-${r.from}_${r.to}-${interval}.csv`;
}
