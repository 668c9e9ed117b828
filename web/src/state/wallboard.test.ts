import { describe, expect, it } from 'vitest';
import type { Agent, LogEvent, Queue, QueueStats, WaitingInteraction } from '../api/types';
import {
  DEFAULT_SL_TARGET, applyEvents, filterAgents, initialState, longestWaitNow, queueInfo, slLevel, trendFrom, trendPoints,
  waitingList,
} from './wallboard';

let seq = 0;
const ev = (type: string, data: Record<string, unknown>, at = '2026-11-22T10:00:00Z'): LogEvent => ({
  seq: ++seq, type, at, actor: 'user:1', data,
});
const agent = (id: string, extra: Partial<Agent> = {}): Agent => ({
  id, name: `Agent ${id}`, presence: 'ready', reason: '', routing_state: 'idle', state_since: '2026-11-22T09:00:00Z', ...extra,
});
const waitingNow = (id: number, queue: string, since = '2026-11-22T09:59:00Z'): WaitingInteraction => ({
  id, state: 'queued', channel: 'voice', queue, priority: 0, created_at: since, waiting_since: since, customer: {}, attributes: {},
});
const queues: Queue[] = [{ id: 'sales' }, { id: 'billing', name: '帳務', service_level: { threshold: '30s', target: 0.9 } }];

describe('initialState', () => {
  it('orders agents and queues by id, takes the waiting list and what each agent holds', () => {
    const held = (id: number, state: 'assigned' | 'wrapping' | 'offered') => ({
      id, state, channel: 'voice' as const, queue: 'billing', since: '2026-11-22T09:58:00Z', connected_at: null, wait_s: null,
    });
    const s = initialState(
      [agent('a2', { interactions: [held(7, 'wrapping'), held(4, 'assigned'), held(9, 'offered')] }), agent('a1')],
      queues,
      [waitingNow(5, 'sales', '2026-11-22T09:57:00Z')],
    );
    expect(s.agentOrder).toEqual(['a1', 'a2']);
    expect(s.queues.map((q) => q.id)).toEqual(['billing', 'sales']);
    expect([...s.waiting.keys()]).toEqual([5]);
    expect(s.waiting.get(5)!.since).toBe(Date.parse('2026-11-22T09:57:00Z'));
    expect(s.agents.get('a2')!.work).toEqual([4, 7]);
    expect(s.agents.get('a2')!.offered).toEqual([9]);
    expect(s.agents.get('a1')!.work).toEqual([]);
    expect(s.agents.get('a1')!.since).toBe(Date.parse('2026-11-22T09:00:00Z'));
  });

  it('reads the SL threshold and target of a queue, with defaults', () => {
    expect(queueInfo(queues[1]!)).toEqual({ id: 'billing', name: '帳務', target: 0.9, thresholdS: 30 });
    expect(queueInfo(queues[0]!)).toEqual({ id: 'sales', name: 'sales', target: DEFAULT_SL_TARGET, thresholdS: 20 });
  });
});

describe('applyEvents', () => {
  const base = () => initialState([agent('a1'), agent('a2')], queues, []);

  it('follows an interaction from creation to completion', () => {
    let s = base();
    let r = applyEvents(s, [
      ev('interaction.created', { interaction: 1, queue: 'sales', channel: 'chat', priority: 2 }, '2026-11-22T10:00:01Z'),
      ev('interaction.queued', { interaction: 1, queue: 'sales', step: 0 }),
      ev('interaction.offered', { interaction: 1, agent: 'a1', offer: 1, queue: 'sales' }),
      ev('agent.routing_state_changed', { agent: 'a1', routing_state: 'offered' }, '2026-11-22T10:00:02Z'),
    ]);
    s = r.state;
    expect(r.dirtyQueues).toEqual(new Set(['sales']));
    expect(r.trendDirty).toBe(true);
    expect(waitingList(s)).toEqual([{ id: 1, queue: 'sales', channel: 'chat', priority: 2, since: Date.parse('2026-11-22T10:00:01Z') }]);
    expect(s.agents.get('a1')).toMatchObject({ routing: 'offered', offered: [1], since: Date.parse('2026-11-22T10:00:02Z') });

    r = applyEvents(s, [
      ev('offer.accepted', { offer: 1, interaction: 1, agent: 'a1' }),
      ev('interaction.connected', { interaction: 1, agent: 'a1', queue: 'sales', wait_s: 1 }),
      ev('agent.routing_state_changed', { agent: 'a1', routing_state: 'busy' }),
    ]);
    s = r.state;
    expect(s.waiting.size).toBe(0);
    expect(s.agents.get('a1')).toMatchObject({ routing: 'busy', offered: [], work: [1] });

    s = applyEvents(s, [ev('interaction.wrapup_started', { interaction: 1, agent: 'a1' })]).state;
    expect(s.agents.get('a1')!.work).toEqual([1]);
    s = applyEvents(s, [ev('interaction.completed', { interaction: 1, agent: 'a1', disposition: 'resolved', notes: '' })]).state;
    expect(s.agents.get('a1')!.work).toEqual([]);
  });

  it('keeps untouched agents and the whole state identical', () => {
    const s = base();
    const r = applyEvents(s, [ev('agent.presence_changed', { agent: 'a1', presence: 'not_ready', reason: 'lunch' })]);
    expect(r.state.agents.get('a2')).toBe(s.agents.get('a2'));
    expect(r.state.agents.get('a1')).toMatchObject({ presence: 'not_ready', reason: 'lunch' });
    expect(r.state.waiting).toBe(s.waiting);
    const none = applyEvents(s, [ev('skill.created', { id: 'x', object: {} })]);
    expect(none.state).toBe(s);
    expect(none.trendDirty).toBe(false);
  });

  it('drops waiting interactions that leave without an agent, and follows moves between queues', () => {
    let s = base();
    s = applyEvents(s, [
      ev('interaction.created', { interaction: 7, queue: 'sales' }),
      ev('interaction.created', { interaction: 8, queue: 'sales' }),
      ev('interaction.step_changed', { interaction: 8, queue: 'billing', step: 1, reason: 'timeout' }),
    ]).state;
    expect(waitingList(s, 'billing').map((w) => w.id)).toEqual([8]);
    const r = applyEvents(s, [ev('interaction.abandoned', { interaction: 7, queue: 'sales', wait_s: 3 }), ev('interaction.timed_out', { interaction: 8, queue: 'billing', wait_s: 9, reason: 'max_wait' })]);
    expect(r.state.waiting.size).toBe(0);
    expect(r.dirtyQueues).toEqual(new Set(['sales', 'billing']));
  });

  it('puts a transferred interaction back among the waiting, in its new queue', () => {
    let s = applyEvents(base(), [
      ev('interaction.created', { interaction: 3, queue: 'sales', channel: 'voice' }),
      ev('interaction.connected', { interaction: 3, agent: 'a1', queue: 'sales', wait_s: 0 }),
    ]).state;
    expect(s.waiting.size).toBe(0);
    s = applyEvents(s, [ev('interaction.transferred', { interaction: 3, agent: 'a1', queue: 'billing' }, '2026-11-22T10:05:00Z')]).state;
    expect(waitingList(s)).toMatchObject([{ id: 3, queue: 'billing', since: Date.parse('2026-11-22T10:05:00Z') }]);
    expect(s.agents.get('a1')!.work).toEqual([]);
  });

  it('adds a new agent in id order and ignores events about unknown agents', () => {
    const r = applyEvents(base(), [
      ev('agent.created', { id: 'a0', object: { id: 'a0', name: 'New' } }),
      ev('agent.routing_state_changed', { agent: 'ghost', routing_state: 'busy' }),
    ]);
    expect(r.state.agentOrder).toEqual(['a0', 'a1', 'a2']);
    expect(r.state.agents.get('a0')).toMatchObject({ name: 'New', presence: 'logged_out' });
    expect(r.state.agents.has('ghost')).toBe(false);
  });
});

describe('figures', () => {
  it('grades a service level against its target', () => {
    expect(slLevel(0.85, 0.8)).toBe('met');
    expect(slLevel(0.8, 0.8)).toBe('met');
    expect(slLevel(0.75, 0.8)).toBe('near');
    expect(slLevel(0.5, 0.8)).toBe('missed');
    expect(slLevel(null, 0.8)).toBe('none');
  });

  it('ticks the longest wait from the stats read while something waits', () => {
    const stats = { waiting: 2, longest_wait_s: 10, at: '2026-11-22T10:00:00Z' } as QueueStats;
    expect(longestWaitNow(stats, Date.parse('2026-11-22T10:00:05Z'))).toBe(15);
    expect(longestWaitNow({ ...stats, waiting: 0 }, Date.parse('2026-11-22T10:00:05Z'))).toBe(0);
  });

  it('filters agents by text and presence', () => {
    const s = initialState([agent('a1', { name: '王小明' }), agent('a2', { presence: 'not_ready' }), agent('b3')], queues, []);
    expect(filterAgents(s, { text: '', presence: '' })).toEqual(['a1', 'a2', 'b3']);
    expect(filterAgents(s, { text: '小明', presence: '' })).toEqual(['a1']);
    expect(filterAgents(s, { text: 'a', presence: 'not_ready' })).toEqual(['a2']);
  });
});

describe('trend', () => {
  it('covers the last hours in 15-minute steps and fills the intervals the server omits', () => {
    const now = Date.parse('2026-11-22T10:07:00Z');
    const from = trendFrom(now, 1);
    expect(new Date(from).toISOString()).toBe('2026-11-22T09:15:00.000Z');
    const points = trendPoints(
      [{ start: '2026-11-22T09:45:00Z', offered: 4, answered: 3, abandoned: 1, service_level: 0.5 }],
      from,
      now,
    );
    expect(points.map((p) => new Date(p.start).toISOString().slice(11, 16))).toEqual(['09:15', '09:30', '09:45', '10:00']);
    expect(points[2]).toMatchObject({ offered: 4, answered: 3, abandoned: 1, sl: 0.5 });
    expect(points[0]).toMatchObject({ offered: 0, sl: null });
  });
});
