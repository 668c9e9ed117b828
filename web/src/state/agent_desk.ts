// The agent desktop's state, folded from the event stream (pure; unit-tested).
//
// The stream gives an agent only events about itself (`data.agent` is its id); staff users get
// every event, so each function ignores events about other agents. The desktop starts from GET
// /agents/{id} (presence, the interactions it holds, `as_of_seq`) and folds the stream opened at
// `as_of_seq` on top, so nothing is skipped or applied twice.
import type { Agent, CenterInfo, Channel, HeldInteraction, LogEvent, Offer, Presence, Queue } from '../api/types';
import { parseDurationS } from './server_clock';

export type WorkPhase = 'connected' | 'wrapup';

/** An interaction the agent holds. */
export interface Work {
  interaction: number;
  phase: WorkPhase;
  queue: string | null;
  /** When the conversation started and, in wrap-up, when wrap-up started (server times). */
  connectedAt: string | null;
  wrapupAt: string | null;
  waitS: number | null;
}

/** A pending offer; fields past `interaction` come from GET /agents/{id}/offers. */
export interface DeskOffer {
  id: number;
  interaction: number;
  queue: string | null;
  channel: Channel | null;
  deadline: string | null;
  offeredAt: string | null;
  priority: number | null;
  customer: Record<string, string>;
  attributes: Record<string, unknown>;
  /** The seq of the event that announced it (0 when first seen in the offers list). */
  seq: number;
}

export interface DeskState {
  agent: string;
  presence: Presence;
  reason: string;
  /** Since when (server time) the presence and the routing state hold; null when unknown. */
  presenceSince: string | null;
  routingState: string;
  routingSince: string | null;
  offers: DeskOffer[];
  /** Offers answered, timed out or withdrawn (the latest few), so a stale list cannot revive them. */
  closedOffers: number[];
  work: Work[];
  /** The last event applied. */
  seq: number;
}

export function initialDesk(agent: string): DeskState {
  return { agent, presence: 'logged_out', reason: '', presenceSince: null, routingState: 'idle', routingSince: null, offers: [], closedOffers: [], work: [], seq: 0 };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

const CLOSED_KEPT = 64;

function closeOffer(s: DeskState, offer: number | null): DeskState {
  if (offer === null) return s;
  return {
    ...s,
    offers: s.offers.filter((o) => o.id !== offer),
    closedOffers: [...s.closedOffers.filter((id) => id !== offer), offer].slice(-CLOSED_KEPT),
  };
}

function upsertWork(s: DeskState, w: Work): Work[] {
  const rest = s.work.filter((x) => x.interaction !== w.interaction);
  return [...rest, w].sort((a, b) => a.interaction - b.interaction);
}

/** The state after one event. Events about other agents leave it unchanged (same object). */
export function applyEvent(s: DeskState, e: LogEvent): DeskState {
  if (e.data.agent !== s.agent) return s;
  const next = fold(s, e);
  return { ...next, seq: Math.max(next.seq, e.seq) };
}

function fold(s: DeskState, e: LogEvent): DeskState {
  const d = e.data;
  const interaction = num(d.interaction);
  switch (e.type) {
    case 'agent.presence_changed': {
      const presence = str(d.presence) as Presence | null;
      if (!presence) return s;
      const changed = presence !== s.presence || (str(d.reason) ?? '') !== s.reason;
      return { ...s, presence, reason: str(d.reason) ?? '', presenceSince: changed || !s.presenceSince ? e.at : s.presenceSince };
    }
    case 'agent.logged_in':
      return { ...s, presence: s.presence === 'logged_out' ? 'not_ready' : s.presence, routingSince: e.at };
    case 'agent.logged_out':
      return { ...s, presence: 'logged_out', reason: '', presenceSince: e.at };
    case 'agent.routing_state_changed': {
      const routingState = str(d.routing_state);
      return routingState ? { ...s, routingState, routingSince: e.at } : s;
    }
    case 'interaction.offered': {
      const id = num(d.offer);
      if (id === null || interaction === null || s.offers.some((o) => o.id === id) || s.closedOffers.includes(id)) return s;
      const offer: DeskOffer = {
        id, interaction, queue: str(d.queue), channel: null, deadline: null, offeredAt: e.at,
        priority: null, customer: {}, attributes: {}, seq: e.seq,
      };
      return { ...s, offers: [...s.offers, offer] };
    }
    case 'offer.accepted':
    case 'offer.rejected':
    case 'offer.timed_out':
    case 'offer.rescinded':
      return closeOffer(s, num(d.offer));
    case 'interaction.connected':
      if (interaction === null) return s;
      return {
        ...s,
        offers: s.offers.filter((o) => o.interaction !== interaction),
        work: upsertWork(s, {
          interaction, phase: 'connected', queue: str(d.queue), connectedAt: e.at, wrapupAt: null, waitS: num(d.wait_s),
        }),
      };
    case 'interaction.wrapup_started': {
      if (interaction === null) return s;
      const prev = s.work.find((w) => w.interaction === interaction);
      return {
        ...s,
        work: upsertWork(s, {
          interaction, phase: 'wrapup', queue: prev?.queue ?? null, connectedAt: prev?.connectedAt ?? null,
          wrapupAt: e.at, waitS: prev?.waitS ?? null,
        }),
      };
    }
    case 'interaction.completed':
    case 'interaction.transferred':
      // Completed, or handed to another queue (the agent's leg is over).
      return interaction === null ? s : { ...s, work: s.work.filter((w) => w.interaction !== interaction) };
    default:
      return s;
  }
}

export function applyEvents(s: DeskState, events: readonly LogEvent[]): DeskState {
  return events.reduce(applyEvent, s);
}

/**
 * Merges the server's pending-offer list (GET /agents/{id}/offers, the truth when it was asked)
 * into the state. `askedAtSeq` is the state's `seq` when the request was sent: offers it lists are
 * added or completed with their details, unless an event closed them since; offers it does not
 * list are dropped unless an event announced them after the request (the answer predates them).
 */
export function mergeOffers(s: DeskState, listed: readonly Offer[], askedAtSeq: number): DeskState {
  const byId = new Map(
    listed.filter((o) => o.state === 'pending' && o.agent === s.agent && !s.closedOffers.includes(o.id)).map((o) => [o.id, o]),
  );
  const kept = s.offers.filter((o) => byId.has(o.id) || o.seq > askedAtSeq);
  const merged: DeskOffer[] = kept.map((o) => {
    const l = byId.get(o.id);
    return l ? { ...fromListed(l), seq: o.seq } : o;
  });
  for (const l of byId.values()) if (!merged.some((o) => o.id === l.id)) merged.push(fromListed(l));
  merged.sort((a, b) => a.id - b.id);
  return { ...s, offers: merged };
}

function fromListed(o: Offer): DeskOffer {
  return {
    id: o.id, interaction: o.interaction, queue: o.queue ?? null, channel: o.channel ?? null, deadline: o.deadline ?? null,
    offeredAt: o.offered_at ?? null, priority: o.priority ?? null, customer: o.customer ?? {}, attributes: o.attributes ?? {},
    seq: 0,
  };
}

/** Whether an event should make the desktop re-read its pending offers. */
export function touchesOffers(e: LogEvent): boolean {
  return e.type === 'interaction.offered' || e.type.startsWith('offer.');
}

function heldWork(i: HeldInteraction): Work {
  const wrapping = i.state === 'wrapping';
  return {
    interaction: i.id, phase: wrapping ? 'wrapup' : 'connected', queue: i.queue, connectedAt: i.connected_at ?? null,
    wrapupAt: wrapping ? i.since : null, waitS: i.wait_s ?? null,
  };
}

/**
 * The live fields of GET /agents/{id}. The interactions held and the presence time replace the
 * folded ones when the record is at least as new as the last event applied (`as_of_seq` >= seq);
 * an older answer (events overtook it) leaves them to the events.
 */
export function fromAgentRecord(s: DeskState, a: Agent): DeskState {
  const next: DeskState = {
    ...s,
    presence: a.presence ?? s.presence,
    reason: a.reason ?? '',
    routingState: a.routing_state ?? s.routingState,
    routingSince: a.state_since ?? s.routingSince,
  };
  if (a.as_of_seq === undefined || a.as_of_seq < s.seq) return next;
  return {
    ...next,
    presenceSince: a.presence_since ?? next.presenceSince,
    // Offered ones come with their details from GET /agents/{id}/offers (mergeOffers).
    work: a.interactions
      ? a.interactions.filter((i) => i.state !== 'offered').map(heldWork).sort((x, y) => x.interaction - y.interaction)
      : next.work,
    seq: a.as_of_seq,
  };
}

/** How long an announced offer may wait for its details before it is shown without them. */
export const OFFER_DETAILS_GRACE_MS = 2000;
/** Older announcements without details are history being replayed (their end follows), not news. */
export const OFFER_ANNOUNCEMENT_FRESH_MS = 120_000;

/**
 * The offers to show: those with their details (deadline known), and recent announcements whose
 * details did not come within the grace period (the offers list failed), so none is hidden.
 */
export function visibleOffers(offers: readonly DeskOffer[], serverNowMs: number): DeskOffer[] {
  return offers.filter((o) => {
    if (o.deadline !== null) return true;
    const age = o.offeredAt === null ? NaN : serverNowMs - Date.parse(o.offeredAt);
    return age >= OFFER_DETAILS_GRACE_MS && age < OFFER_ANNOUNCEMENT_FRESH_MS;
  });
}

/**
 * The wrap-up length (s) of an interaction of `queue`: the queue's own `wrapup.duration`, else the
 * center's default (GET /center); null when there is no limit (0) or it is not known yet.
 */
export function wrapupLimit(queue: Queue | undefined, center: CenterInfo | null): number | null {
  const own = parseDurationS(queue?.wrapup?.duration);
  if (own !== null) return own || null;
  return center?.wrapup.duration_s || null;
}
