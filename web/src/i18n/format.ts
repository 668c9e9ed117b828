// Locale-aware formatting of times, durations and numbers (pure; unit-tested).
import type { Locale } from './locales';

/** A duration in seconds as a clock: `m:ss`, or `h:mm:ss` from an hour up. Negative → 0. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A date and time in the user's locale and time zone. */
export function formatDateTime(iso: string, locale: Locale, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium', timeZone }).format(d);
}

/** A time of day in the user's locale. */
export function formatTime(iso: string, locale: Locale, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { timeStyle: 'medium', timeZone }).format(d);
}

export function formatNumber(n: number, locale: Locale, maxFractionDigits = 1): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: maxFractionDigits }).format(n);
}

/** A ratio (0..1) as a percentage; null (no denominator) as an en dash. */
export function formatPercent(ratio: number | null, locale: Locale): string {
  if (ratio === null || Number.isNaN(ratio)) return '–';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

/** Seconds elapsed from an ISO instant to `nowMs`. */
export function secondsSince(iso: string, nowMs: number): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : (nowMs - t) / 1000;
}
