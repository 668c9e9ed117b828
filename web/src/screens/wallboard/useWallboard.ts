// The wallboard's live data. The stream opens first (live events only) and its events are held
// until the first reads (agents with what they hold, queues, the waiting interactions, every
// queue's stats) are in; then they apply on top, so nothing between the reads and the stream is
// lost. From then on events are folded once per animation frame (state/wallboard.ts), and what
// they make stale — a queue's stats, the trend — is read again through a CoalescingRefresher.
import { useEffect, useRef } from 'preact/hooks';
import { signal, type Signal } from '@preact/signals';
import { listAgents, listQueues, queueStats, waitingInteractions } from '../../api/endpoints';
import type { LogEvent, QueueStats } from '../../api/types';
import { useStream } from '../../app/useStream';
import { ServerClock } from '../../state/server_clock';
import {
  applyEvents, initialState, trendFrom, trendPoints, type TrendPoint, type WallboardState,
} from '../../state/wallboard';
import { CoalescingRefresher } from '../../state/wallboard_refresh';
import { intervals } from './api';

export const TREND_HOURS = 4;
/**
 * Per queue at most every 500 ms; at most 20 reads a second and 4 at once for all queues. At 100
 * events/s over 50 queues about 15 queues a second go stale (docs/performance.md, "Web UI"): a
 * lower cap leaves tiles seconds behind. The API has no route for all queues' stats at once.
 */
const STATS_POLICY = { minIntervalMs: 500, maxInFlight: 4, maxPerSecond: 20 };
/** The trend's intervals are 15 minutes long: reading them every 10 s while events flow is plenty. */
const TREND_POLICY = { minIntervalMs: 10_000, maxInFlight: 1, maxPerSecond: 1 };
const TREND_KEY = 'trend';

/** Measurement hook for web/perf: when the page defines it, each applied batch reports its latency. */
interface PerfHook {
  /** Per applied batch: ms from the newest event's commit to the next frame. */
  batches: number[];
  events: number;
  /** Per stats read: ms from the queue going stale to its fresh stats being shown. */
  statsLag: number[];
}
declare global {
  // eslint-disable-next-line no-var
  var __hotlineWallboardPerf: PerfHook | undefined;
}

export interface WallboardData {
  state: Signal<WallboardState | null>;
  /** The first state, set once when the first reads are in (the static parts: queues). */
  loaded: Signal<WallboardState | null>;
  /** The browser's clock, ticking once a second (time in state, longest wait). */
  now: Signal<number>;
  /** The server's time now; reading it in a render subscribes that component to the tick. */
  serverNow(): number;
  stats: Map<string, Signal<QueueStats | null>>;
  trend: Signal<TrendPoint[] | null>;
  trendError: Signal<unknown>;
  error: Signal<unknown>;
  clock: ServerClock;
  dispose(): void;
  onEvents(events: LogEvent[]): void;
  /** Reads (stats and trend) started since load. */
  reads(): number;
}

async function inBatches<T>(items: T[], width: number, each: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(each));
}

function create(): WallboardData {
  const state = signal<WallboardState | null>(null);
  const loaded = signal<WallboardState | null>(null);
  const stats = new Map<string, Signal<QueueStats | null>>();
  const trend = signal<TrendPoint[] | null>(null);
  const trendError = signal<unknown>(null);
  const error = signal<unknown>(null);
  const clock = new ServerClock();
  const now = signal(Date.now());
  const ticker = setInterval(() => (now.value = Date.now()), 1000);
  let held: LogEvent[] = [];
  let frame = 0;
  let live = true;

  const statsOf = (queue: string) => {
    let s = stats.get(queue);
    if (!s) stats.set(queue, (s = signal<QueueStats | null>(null)));
    return s;
  };
  const readStats = (queue: string, staleSince = Date.now()) =>
    queueStats(queue).then(
      (s) => {
        if (!live) return;
        statsOf(queue).value = s;
        globalThis.__hotlineWallboardPerf?.statsLag.push(Date.now() - staleSince);
      },
      () => {},
    );
  const readTrend = () => {
    const now = clock.now(Date.now());
    const from = trendFrom(now, TREND_HOURS);
    return intervals(new Date(from).toISOString()).then(
      (r) => {
        if (!live) return;
        trend.value = trendPoints(r.rows, from, now);
        trendError.value = null;
      },
      (e: unknown) => live && (trendError.value = e),
    );
  };
  const statsRefresher = new CoalescingRefresher<string>(readStats, STATS_POLICY);
  const trendRefresher = new CoalescingRefresher<string>(readTrend, TREND_POLICY);
  // A new interval starts every 15 minutes whether or not events come: read the trend each minute.
  const trendTimer = setInterval(() => trendRefresher.mark(TREND_KEY), 60_000);

  const flush = () => {
    frame = 0;
    const current = state.value;
    if (!current || held.length === 0) return;
    const batch = held;
    held = [];
    const applied = applyEvents(current, batch);
    state.value = applied.state;
    for (const q of applied.dirtyQueues) statsRefresher.mark(q);
    if (applied.trendDirty) trendRefresher.mark(TREND_KEY);
    const perf = globalThis.__hotlineWallboardPerf;
    if (perf) {
      const newest = Date.parse(batch[batch.length - 1]!.at);
      perf.events += batch.length;
      requestAnimationFrame(() => perf.batches.push(Date.now() - newest));
    }
  };

  const onEvents = (events: LogEvent[]) => {
    const arrived = Date.now();
    for (const e of events) clock.observe(e.at, arrived);
    held.push(...events);
    if (state.value && !frame) frame = requestAnimationFrame(flush);
  };

  void (async () => {
    try {
      const [agents, queues, waiting] = await Promise.all([listAgents(), listQueues(), waitingInteractions()]);
      if (!live) return;
      const first = initialState(agents.agents, queues.queues, waiting.interactions);
      for (const q of first.queues) statsOf(q.id);
      await inBatches(first.queues.map((q) => q.id), 6, (q) => readStats(q));
      if (!live) return;
      // Events both first reads already include (seq <= their as_of_seq) are not applied again.
      const asOf = Math.min(agents.as_of_seq ?? 0, waiting.as_of_seq ?? 0);
      held = held.filter((e) => e.seq > asOf);
      state.value = first;
      flush();
      loaded.value = first;
      void readTrend();
    } catch (e) {
      if (live) error.value = e;
    }
  })();

  return {
    state, loaded, now, stats, trend, trendError, error, clock, onEvents,
    serverNow: () => clock.now(now.value),
    reads: () => statsRefresher.started + trendRefresher.started,
    dispose() {
      live = false;
      statsRefresher.close();
      trendRefresher.close();
      clearInterval(trendTimer);
      clearInterval(ticker);
      if (frame) cancelAnimationFrame(frame);
    },
  };
}

export function useWallboard() {
  const r = useRef<WallboardData | null>(null);
  r.current ??= create();
  const d = r.current;
  useEffect(() => () => d.dispose(), [d]);
  const status = useStream(null, d.onEvents);
  return { ...d, status };
}
