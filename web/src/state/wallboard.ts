// The supervisor wallboard's view state, as pure functions of the API's reads and the stream's
// events (unit-tested in wallboard.test.ts). Agents and waiting interactions follow the events
// directly; the queues' figures (today's SL, ASA, abandoned) are the server's own (GET
// /queues/{id}/stats), so an event only marks its queue stale and the screen refetches it
// (wallboard_refresh.ts coalesces those reads).
import type { Agent, LogEvent, Queue, QueueStats, WaitingInteraction } from '../api/types';

export interface AgentRow {
  id: string;
  name: string;
  presence: string;
  reason: string;
  routing: string;
  /** Since when (browser epoch ms of the server's instant) the agent is in its state; 0 = unknown. */
  since: number;
  /** Interactions the agent holds (connected or in wrap-up), oldest first. */
  work: number[];
  /** Interactions offered to it, not yet answered. */
  offered: number[];
}

export interface WaitingItem {
  id: number;
  queue: string;
  channel: string;
  priority: number;
  /** When it entered its queue (epoch ms). */
  since: number;
}

export interface WallboardState {
  agents: ReadonlyMap<string, AgentRow>;
  /** Agent ids, in id order (the grid's row order). */
  agentOrder: readonly string[];
  waiting: ReadonlyMap<number, WaitingItem>;
  queues: readonly QueueInfo[];
}

export interface QueueInfo {
  id: string;
  name: string;
  /** The service level the tile is coloured against (0..1). */
  target: number;
  /** The service-level threshold in seconds (T). */
  thresholdS: number;
}

/** What a batch of events changed. */
export interface Applied {
  state: WallboardState;
  /** Queues whose server figures are stale now. */
  dirtyQueues: Set<string>;
  /** True when the KPI history (trend chart) changed. */
  trendDirty: boolean;
}

/** The SL target when the queue does not carry one (the 80/20 convention). */
export const DEFAULT_SL_TARGET = 0.8;

const LEAVING = new Set([
  'interaction.connected', 'interaction.abandoned', 'interaction.timed_out', 'interaction.exited',
  'interaction.rejected', 'interaction.canceled', 'interaction.callback_booked', 'interaction.completed',
]);

function ms(iso: string | null | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) || t <= 0 ? 0 : t;
}

function durationS(v: unknown, fallback: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string') return fallback;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(v.trim());
  if (!m || !v.trim()) return fallback;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** A queue's tile settings: name, SL threshold (`service_level.threshold`), SL target. */
export function queueInfo(q: Queue): QueueInfo {
  const sl = (q.service_level ?? {}) as { threshold?: unknown; target?: unknown };
  const target = typeof sl.target === 'number' && sl.target > 0 && sl.target <= 1 ? sl.target : DEFAULT_SL_TARGET;
  return { id: q.id, name: q.name || q.id, target, thresholdS: durationS(sl.threshold, 20) };
}

function agentRow(a: Agent): AgentRow {
  return {
    id: a.id,
    name: a.name || a.id,
    presence: a.presence ?? 'logged_out',
    reason: a.reason ?? '',
    routing: a.routing_state ?? 'idle',
    since: ms(a.state_since),
    work: [],
    offered: [],
  };
}

/**
 * The state from the first reads: agents with the interactions they hold or are offered (GET
 * /agents), queues, and the interactions waiting now (GET /interactions?state=waiting).
 */
export function initialState(agents: Agent[], queues: Queue[], waitingNow: WaitingInteraction[]): WallboardState {
  const rows = new Map<string, AgentRow>();
  for (const a of agents) {
    const row = agentRow(a);
    const held = a.interactions ?? [];
    const ids = (offered: boolean) => held.filter((i) => (i.state === 'offered') === offered).map((i) => i.id).sort((x, y) => x - y);
    row.work = ids(false);
    row.offered = ids(true);
    rows.set(a.id, row);
  }
  const waiting = new Map<number, WaitingItem>();
  for (const i of waitingNow) {
    waiting.set(i.id, { id: i.id, queue: i.queue, channel: i.channel, priority: i.priority, since: ms(i.waiting_since) });
  }
  return {
    agents: rows,
    agentOrder: [...rows.keys()].sort(),
    waiting,
    queues: queues.map(queueInfo).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : NaN);
const without = (list: number[], id: number) => (list.includes(id) ? list.filter((x) => x !== id) : list);

/** Applies events in order. Unchanged parts keep their identity (cheap re-renders). */
export function applyEvents(state: WallboardState, events: readonly LogEvent[]): Applied {
  let agents: Map<string, AgentRow> | null = null;
  let waiting: Map<number, WaitingItem> | null = null;
  let order = state.agentOrder;
  const dirtyQueues = new Set<string>();
  let trendDirty = false;

  const agentMap = () => (agents ??= new Map(state.agents));
  const waitMap = () => (waiting ??= new Map(state.waiting));
  const patchAgent = (id: string, patch: (row: AgentRow) => Partial<AgentRow>) => {
    const map = agentMap();
    const row = map.get(id);
    if (row) map.set(id, { ...row, ...patch(row) });
  };

  for (const e of events) {
    const d = e.data;
    const at = ms(e.at);
    const queue = str(d.queue);
    const interaction = num(d.interaction);
    const agent = str(d.agent);
    if (queue) dirtyQueues.add(queue);
    if (e.type.startsWith('interaction.')) trendDirty = true;

    switch (e.type) {
      case 'agent.presence_changed':
        patchAgent(agent, () => ({ presence: str(d.presence), reason: str(d.reason), since: at }));
        break;
      case 'agent.logged_out':
        patchAgent(agent, () => ({ presence: 'logged_out', reason: '', since: at }));
        break;
      case 'agent.routing_state_changed':
        patchAgent(agent, () => ({ routing: str(d.routing_state), since: at }));
        break;
      case 'agent.created':
      case 'agent.updated': {
        const obj = (d.object ?? {}) as Agent;
        const id = str(d.id) || obj.id;
        if (!id) break;
        const map = agentMap();
        const old = map.get(id);
        map.set(id, old ? { ...old, name: obj.name || id } : agentRow({ ...obj, id }));
        if (!old) order = [...order, id].sort();
        break;
      }
      case 'interaction.created':
        waitMap().set(interaction, {
          id: interaction, queue, channel: str(d.channel), priority: num(d.priority) || 0, since: at,
        });
        break;
      case 'interaction.queued':
      case 'interaction.step_changed':
      case 'interaction.transferred': {
        const w = (waiting ?? state.waiting).get(interaction);
        if (w && queue && w.queue !== queue) waitMap().set(interaction, { ...w, queue });
        if (e.type === 'interaction.transferred') {
          // Back in a queue: it waits again from now (its channel is not in the event).
          if (!w && queue) waitMap().set(interaction, { id: interaction, queue, channel: '', priority: 0, since: at });
          if (agent) patchAgent(agent, (r) => ({ work: without(r.work, interaction) }));
        }
        break;
      }
      case 'interaction.priority_changed': {
        const w = (waiting ?? state.waiting).get(interaction);
        if (w) waitMap().set(interaction, { ...w, priority: num(d.priority) || 0 });
        break;
      }
      case 'interaction.offered':
        patchAgent(agent, (r) => ({ offered: [...without(r.offered, interaction), interaction] }));
        break;
      case 'offer.rejected':
      case 'offer.rescinded':
      case 'offer.timed_out':
        patchAgent(agent, (r) => ({ offered: without(r.offered, interaction) }));
        break;
    }
    if (e.type === 'interaction.connected') {
      patchAgent(agent, (r) => ({ offered: without(r.offered, interaction), work: [...without(r.work, interaction), interaction] }));
    }
    if (e.type === 'interaction.completed' && agent) {
      patchAgent(agent, (r) => ({ work: without(r.work, interaction) }));
    }
    if (LEAVING.has(e.type) && (waiting ?? state.waiting).has(interaction)) waitMap().delete(interaction);
  }

  return {
    state: agents || waiting || order !== state.agentOrder
      ? { ...state, agents: agents ?? state.agents, waiting: waiting ?? state.waiting, agentOrder: order }
      : state,
    dirtyQueues,
    trendDirty,
  };
}

export type SlLevel = 'met' | 'near' | 'missed' | 'none';

/** How a service level stands against its target: met, within 10 points below, or missed. */
export function slLevel(sl: number | null | undefined, target: number): SlLevel {
  if (sl === null || sl === undefined || Number.isNaN(sl)) return 'none';
  if (sl >= target) return 'met';
  return sl >= target - 0.1 ? 'near' : 'missed';
}

/** Longest wait now (seconds), from stats read at `stats.at`, ticking while anything waits. */
export function longestWaitNow(stats: QueueStats, nowMs: number): number {
  if (!stats.waiting) return 0;
  const at = ms(stats.at);
  return stats.longest_wait_s + (at ? Math.max(0, (nowMs - at) / 1000) : 0);
}

/** Waiting interactions, longest first; optionally of one queue. */
export function waitingList(state: WallboardState, queue?: string): WaitingItem[] {
  const list: WaitingItem[] = [];
  for (const w of state.waiting.values()) if (!queue || w.queue === queue) list.push(w);
  return list.sort((a, b) => a.since - b.since || a.id - b.id);
}

export interface AgentFilter {
  text: string;
  presence: '' | 'ready' | 'not_ready' | 'logged_out';
}

/** The grid's rows after the filter (id or name contains the text; presence matches). */
export function filterAgents(state: WallboardState, f: AgentFilter): string[] {
  const text = f.text.trim().toLowerCase();
  if (!text && !f.presence) return state.agentOrder as string[];
  return state.agentOrder.filter((id) => {
    const a = state.agents.get(id);
    if (!a) return false;
    if (f.presence && a.presence !== f.presence) return false;
    return !text || a.id.toLowerCase().includes(text) || a.name.toLowerCase().includes(text);
  });
}

export interface TrendPoint {
  start: number;
  offered: number;
  answered: number;
  abandoned: number;
  sl: number | null;
}

export interface TrendRow {
  start: string;
  offered: number;
  answered: number;
  abandoned: number;
  service_level: number | null;
}

export const TREND_STEP_MS = 15 * 60 * 1000;

/** The first interval start of a trend covering `hours` up to `nowMs` (aligned to 15 minutes). */
export function trendFrom(nowMs: number, hours: number): number {
  return Math.floor(nowMs / TREND_STEP_MS) * TREND_STEP_MS - (hours * 4 - 1) * TREND_STEP_MS;
}

/** One point per 15-minute interval from `fromMs` to `nowMs`; intervals the server omits are empty. */
export function trendPoints(rows: readonly TrendRow[], fromMs: number, nowMs: number): TrendPoint[] {
  const byStart = new Map<number, TrendRow>();
  for (const r of rows) byStart.set(ms(r.start), r);
  const points: TrendPoint[] = [];
  for (let t = fromMs; t <= nowMs; t += TREND_STEP_MS) {
    const r = byStart.get(t);
    points.push({
      start: t,
      offered: r?.offered ?? 0,
      answered: r?.answered ?? 0,
      abandoned: r?.abandoned ?? 0,
      sl: r?.service_level ?? null,
    });
  }
  return points;
}
