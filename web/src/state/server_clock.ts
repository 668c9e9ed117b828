// The server's clock as seen from the browser (pure; unit-tested). Countdowns use the server's
// deadlines, so the browser's clock error must not shorten or lengthen them. Each event's `at` is
// a lower bound of the server's time when it arrives; the largest `at − arrival` seen is the
// closest estimate of the offset (catch-up events are old and give smaller samples).
export class ServerClock {
  private offsetMs: number | null = null;

  /** Records an event time (`at`, RFC 3339) observed at browser time `arrivedMs`. */
  observe(at: string, arrivedMs: number): void {
    const t = Date.parse(at);
    if (Number.isNaN(t)) return;
    const sample = t - arrivedMs;
    if (this.offsetMs === null || sample > this.offsetMs) this.offsetMs = sample;
  }

  /** Browser time → server time; without samples the browser's clock is trusted. */
  now(browserMs: number): number {
    return browserMs + (this.offsetMs ?? 0);
  }

  get offset(): number {
    return this.offsetMs ?? 0;
  }
}

/** Seconds from server time `nowMs` to the deadline, never negative. */
export function secondsLeft(deadline: string, nowMs: number): number {
  const t = Date.parse(deadline);
  return Number.isNaN(t) ? 0 : Math.max(0, (t - nowMs) / 1000);
}

/** A duration as the API writes it in settings (`30s`, `2m`, `1h`, `1m30s`, or seconds) → seconds. */
export function parseDurationS(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return null;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(v.trim());
  if (!m || v.trim() === '') return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
