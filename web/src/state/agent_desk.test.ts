import { describe, expect, it } from 'vitest';
import type { LogEvent, Offer } from '../api/types';
import { applyEvent, applyEvents, fromAgentRecord, initialDesk, mergeOffers, touchesOffers, visibleOffers, wrapupLimit } from './agent_desk';

let seq = 0;
const ev = (type: string, data: Record<string, unknown>, at = '2026-11-22T10:00:00Z'): LogEvent => ({
  seq: ++seq, type, at, actor: 'engine', data,
});
const listed = (id: number, interaction: number, agent = 'a9'): Offer => ({
  id, interaction, agent, channel: 'chat', queue: 'billing', priority: 2, customer: { phone: '+886900' },
  attributes: { vip: true }, offered_at: '2026-11-22T10:00:00Z', deadline: '2026-11-22T10:00:20Z', state: 'pending',
});

describe('agent desk reducer', () => {
  it('follows presence and routing state of its own agent only', () => {
    let s = initialDesk('a9');
    s = applyEvent(s, ev('agent.presence_changed', { agent: 'a9', presence: 'not_ready', reason: 'lunch' }, '2026-11-22T11:00:00Z'));
    expect([s.presence, s.reason, s.presenceSince]).toEqual(['not_ready', 'lunch', '2026-11-22T11:00:00Z']);
    // The same presence again does not restart its timer.
    const again = applyEvent(s, ev('agent.presence_changed', { agent: 'a9', presence: 'not_ready', reason: 'lunch' }, '2026-11-22T11:05:00Z'));
    expect(again.presenceSince).toBe('2026-11-22T11:00:00Z');
    const other = applyEvent(s, ev('agent.presence_changed', { agent: 'a1', presence: 'ready', reason: '' }));
    expect(other).toBe(s);
    s = applyEvent(s, ev('agent.routing_state_changed', { agent: 'a9', routing_state: 'busy' }, '2026-11-22T11:10:00Z'));
    expect([s.routingState, s.routingSince]).toEqual(['busy', '2026-11-22T11:10:00Z']);
    s = applyEvent(s, ev('agent.logged_out', { agent: 'a9' }));
    expect([s.presence, s.reason]).toEqual(['logged_out', '']);
  });

  it('takes an offer through accept, conversation, wrap-up and completion', () => {
    let s = initialDesk('a9');
    s = applyEvent(s, ev('interaction.offered', { interaction: 7, agent: 'a9', offer: 3, queue: 'billing' }));
    expect(s.offers.map((o) => [o.id, o.interaction, o.queue])).toEqual([[3, 7, 'billing']]);
    s = applyEvents(s, [
      ev('offer.accepted', { offer: 3, interaction: 7, agent: 'a9' }),
      ev('interaction.connected', { interaction: 7, agent: 'a9', queue: 'billing', wait_s: 4.5 }, '2026-11-22T10:00:05Z'),
    ]);
    expect(s.offers).toEqual([]);
    expect(s.work).toEqual([
      { interaction: 7, phase: 'connected', queue: 'billing', connectedAt: '2026-11-22T10:00:05Z', wrapupAt: null, waitS: 4.5 },
    ]);
    s = applyEvent(s, ev('interaction.wrapup_started', { interaction: 7, agent: 'a9' }, '2026-11-22T10:03:00Z'));
    expect(s.work[0]).toMatchObject({ phase: 'wrapup', wrapupAt: '2026-11-22T10:03:00Z', connectedAt: '2026-11-22T10:00:05Z', waitS: 4.5 });
    s = applyEvent(s, ev('interaction.completed', { interaction: 7, agent: 'a9', disposition: 'resolved', notes: '' }));
    expect(s.work).toEqual([]);
    expect(s.seq).toBe(seq);
  });

  it('holds several interactions at once, in id order', () => {
    const s = applyEvents(initialDesk('a9'), [
      ev('interaction.connected', { interaction: 12, agent: 'a9', queue: 'chat', wait_s: 1 }),
      ev('interaction.connected', { interaction: 10, agent: 'a9', queue: 'chat', wait_s: 2 }),
      ev('interaction.connected', { interaction: 11, agent: 'a1', queue: 'chat', wait_s: 2 }),
      ev('interaction.transferred', { interaction: 12, agent: 'a9', queue: 'tech' }),
    ]);
    expect(s.work.map((w) => w.interaction)).toEqual([10]);
  });

  it('drops offers that time out, are rejected or withdrawn, and never revives them', () => {
    let s = initialDesk('a9');
    for (const [offer, end] of [[1, 'offer.timed_out'], [2, 'offer.rejected'], [3, 'offer.rescinded']] as const) {
      s = applyEvent(s, ev('interaction.offered', { interaction: 20 + offer, agent: 'a9', offer, queue: 'q' }));
      s = applyEvent(s, ev(end, { offer, interaction: 20 + offer, agent: 'a9', reason: 'x' }));
    }
    expect(s.offers).toEqual([]);
    expect(s.closedOffers).toEqual([1, 2, 3]);
    // A late or replayed announcement of a closed offer is ignored.
    expect(applyEvent(s, ev('interaction.offered', { interaction: 21, agent: 'a9', offer: 1, queue: 'q' })).offers).toEqual([]);
  });
});

describe('mergeOffers', () => {
  it('completes announced offers with the listed details', () => {
    let s = applyEvent(initialDesk('a9'), ev('interaction.offered', { interaction: 7, agent: 'a9', offer: 3, queue: 'billing' }));
    s = mergeOffers(s, [listed(3, 7)], s.seq);
    expect(s.offers[0]).toMatchObject({ id: 3, channel: 'chat', deadline: '2026-11-22T10:00:20Z', customer: { phone: '+886900' }, priority: 2 });
  });
  it('adds listed offers not yet announced and drops stale ones', () => {
    let s = applyEvent(initialDesk('a9'), ev('interaction.offered', { interaction: 7, agent: 'a9', offer: 3, queue: 'billing' }));
    const asked = s.seq;
    s = mergeOffers(s, [listed(5, 9)], asked);
    expect(s.offers.map((o) => o.id)).toEqual([5]);
  });
  it('keeps offers announced after the request, and ignores closed or foreign ones', () => {
    let s = initialDesk('a9');
    const asked = s.seq;
    s = applyEvents(s, [
      ev('interaction.offered', { interaction: 7, agent: 'a9', offer: 3, queue: 'billing' }),
      ev('interaction.offered', { interaction: 8, agent: 'a9', offer: 4, queue: 'billing' }),
      ev('offer.accepted', { interaction: 8, agent: 'a9', offer: 4 }),
    ]);
    s = mergeOffers(s, [listed(4, 8), listed(6, 10, 'a1')], asked);
    expect(s.offers.map((o) => o.id)).toEqual([3]);
  });
});

describe('helpers', () => {
  it('starts from the agent record', () => {
    const s = fromAgentRecord(initialDesk('a9'), { id: 'a9', presence: 'ready', reason: null, routing_state: 'idle', state_since: '2026-11-22T09:00:00Z' });
    expect([s.presence, s.reason, s.routingState, s.routingSince]).toEqual(['ready', '', 'idle', '2026-11-22T09:00:00Z']);
  });
  it('takes the interactions held and the presence time from a record as new as its events', () => {
    const record = {
      id: 'a9', presence: 'ready' as const, presence_since: '2026-11-22T08:00:00Z', as_of_seq: 40,
      interactions: [
        { id: 12, state: 'wrapping' as const, channel: 'voice' as const, queue: 'billing', since: '2026-11-22T09:30:00Z', connected_at: '2026-11-22T09:20:00Z', wait_s: 4 },
        { id: 9, state: 'assigned' as const, channel: 'chat' as const, queue: 'sales', since: '2026-11-22T09:10:00Z', connected_at: '2026-11-22T09:10:00Z', wait_s: 1 },
        { id: 15, state: 'offered' as const, channel: 'chat' as const, queue: 'sales', since: '2026-11-22T09:40:00Z', offer: 6, deadline: '2026-11-22T09:40:20Z' },
      ],
    };
    const s = fromAgentRecord(initialDesk('a9'), record);
    expect(s.seq).toBe(40);
    expect(s.presenceSince).toBe('2026-11-22T08:00:00Z');
    expect(s.work).toEqual([
      { interaction: 9, phase: 'connected', queue: 'sales', connectedAt: '2026-11-22T09:10:00Z', wrapupAt: null, waitS: 1 },
      { interaction: 12, phase: 'wrapup', queue: 'billing', connectedAt: '2026-11-22T09:20:00Z', wrapupAt: '2026-11-22T09:30:00Z', waitS: 4 },
    ]);
    // Events after as_of_seq apply on top: the wrap-up completes.
    const done = applyEvent({ ...s }, { seq: 41, type: 'interaction.completed', at: '2026-11-22T09:31:00Z', actor: 'user:2', data: { agent: 'a9', interaction: 12 } });
    expect(done.work.map((w) => w.interaction)).toEqual([9]);
    // A record older than the events applied since leaves the held interactions to the events.
    const stale = fromAgentRecord(done, { ...record, as_of_seq: 39 });
    expect(stale.work.map((w) => w.interaction)).toEqual([9]);
    expect(stale.seq).toBe(41);
  });
  it("counts wrap-up down from the queue's own length, else the center's default", () => {
    const center = { name: 'c', utc_offset: '+08:00', utc_offset_minutes: 480, offer_timeout_s: 20, max_missed_offers: 3, wrapup: { mode: 'timed' as const, duration_s: 45 } };
    expect(wrapupLimit({ id: 'q', wrapup: { duration: '2m' } }, center)).toBe(120);
    expect(wrapupLimit({ id: 'q' }, center)).toBe(45);
    expect(wrapupLimit(undefined, center)).toBe(45);
    expect(wrapupLimit({ id: 'q' }, null)).toBeNull();
    expect(wrapupLimit({ id: 'q' }, { ...center, wrapup: { mode: 'discretionary', duration_s: 0 } })).toBeNull();
    expect(wrapupLimit({ id: 'q', wrapup: { duration: 0 } }, center)).toBeNull();
  });
  it('knows which events change the offers', () => {
    expect(touchesOffers(ev('interaction.offered', {}))).toBe(true);
    expect(touchesOffers(ev('offer.timed_out', {}))).toBe(true);
    expect(touchesOffers(ev('interaction.connected', {}))).toBe(false);
  });
});

describe('visibleOffers', () => {
  it('shows an announced offer once its details are in, or after the grace period without them', () => {
    let s = applyEvent(initialDesk('a9'), ev('interaction.offered', { interaction: 7, agent: 'a9', offer: 3, queue: 'billing' }, '2026-11-22T10:00:00Z'));
    const at = Date.parse('2026-11-22T10:00:00Z');
    expect(visibleOffers(s.offers, at + 500)).toEqual([]);
    expect(visibleOffers(s.offers, at + 2500).map((o) => o.id)).toEqual([3]);
    // An old announcement seen while the log replays is not shown (its end is on the way).
    expect(visibleOffers(s.offers, at + 3_600_000)).toEqual([]);
    s = mergeOffers(s, [listed(3, 7)], s.seq);
    expect(visibleOffers(s.offers, at + 500).map((o) => o.id)).toEqual([3]);
  });
});
