import { describe, expect, it } from 'vitest';
import { emptyForm, fromForm, getPath, setPath, toForm } from './convert';
import { ADVANCED } from './fieldPath';
import { KINDS } from './kinds';

const tech = {
  id: 'tech',
  name: '技術支援 Technical support',
  agent_order: ['tier', 'most_skilled', 'longest_idle'],
  offer: 'single',
  task_order: { mode: 'time_offset', seconds_per_point: 30 },
  offer_timeout: '25s',
  service_level: { threshold: '60s', short_abandon: '10s' },
  wrapup: { mode: 'timed', duration: '1m' },
  admission: { max_length: 30, join_when_empty: 'no_logged_in' },
  members: [{ agent: 'a3', tier: 1, position: 1 }],
  plan: [{ requires: { tech: 3 }, rings: [{ after: '0s', max_tier: 1 }], timeout: '4m' }, { requires: { tech: 1 }, priority: 5 }],
  exceptions: [{ when: { wait: '8m' }, do: { priority: 10 } }],
};

describe('paths', () => {
  it('reads and writes dotted paths', () => {
    const o: Record<string, unknown> = {};
    setPath(o, 'a.b', 1);
    setPath(o, 'a.c', 2);
    expect(o).toEqual({ a: { b: 1, c: 2 } });
    expect(getPath(o, 'a.c')).toBe(2);
    expect(getPath(o, 'a.b.z')).toBeUndefined();
  });
});

describe('queues', () => {
  it('round-trips a queue with a plan: form fields plus the advanced JSON', () => {
    const form = toForm(KINDS.queues, tech);
    expect(form.values['offer.mode']).toBe('single');
    expect(form.values['task_order.seconds_per_point']).toBe('30');
    expect(form.values.agent_order).toBe('tier, most_skilled, longest_idle');
    expect(form.values.lifo).toBe(false);
    expect(JSON.parse(form.advanced)).toEqual({ members: tech.members, plan: tech.plan, exceptions: tech.exceptions });
    const back = fromForm(KINDS.queues, form, true);
    expect(back).toEqual({ ok: true, body: tech });
  });
  it('leaves out the id when editing and empty settings always', () => {
    const form = toForm(KINDS.queues, { id: 'q', offer: { mode: 'parallel', count: 2 } });
    form.values['offer.count'] = '3';
    const back = fromForm(KINDS.queues, form, false);
    expect(back).toEqual({ ok: true, body: { offer: { mode: 'parallel', count: 3 } } });
  });
  it('reports bad JSON and bad numbers on their controls', () => {
    const form = toForm(KINDS.queues, tech);
    expect(fromForm(KINDS.queues, { ...form, advanced: '{"plan": [' }, true)).toEqual({
      ok: false, error: { field: ADVANCED, message: 'admin.e.json' },
    });
    expect(fromForm(KINDS.queues, { ...form, advanced: '[1]' }, true)).toMatchObject({ ok: false, error: { field: ADVANCED } });
    const bad = toForm(KINDS.queues, tech);
    bad.values['admission.max_length'] = 'ten';
    expect(fromForm(KINDS.queues, bad, true)).toEqual({ ok: false, error: { field: 'admission.max_length', message: 'admin.e.number' } });
  });
});

describe('agents', () => {
  const a1 = {
    id: 'a1', name: '王小明', skills: { general: 5, english: 2 }, capacity: { voice: 1, chat: 2 },
    cross_channel: 'exclusive', profile: 'frontline', attributes: { team: 'north' },
    presence: 'ready', routing_state: 'idle', load: {}, handled: 3, user_id: null, state_since: '2026-11-22T00:00:00Z', reason: '',
  };
  it('drops the live state and keeps attributes through the JSON editor', () => {
    const form = toForm(KINDS.agents, a1);
    expect(form.values.skills).toEqual([{ skill: 'general', level: '5' }, { skill: 'english', level: '2' }]);
    expect(form.values['capacity.email']).toBe('');
    expect(JSON.parse(form.advanced)).toEqual({ attributes: { team: 'north' } });
    const back = fromForm(KINDS.agents, form, false);
    const { id: _id, presence: _p, routing_state: _r, load: _l, handled: _h, user_id: _u, state_since: _s, reason: _re, ...rest } = a1;
    expect(back).toEqual({ ok: true, body: rest });
  });
  it('names the skill of a bad level and skips blank rows', () => {
    const form = toForm(KINDS.agents, a1);
    form.values.skills = [{ skill: 'general', level: 'x' }];
    expect(fromForm(KINDS.agents, form, false)).toEqual({ ok: false, error: { field: 'skills.general', message: 'admin.e.level' } });
    form.values.skills = [{ skill: '', level: '' }];
    const back = fromForm(KINDS.agents, form, false);
    expect(back.ok && 'skills' in back.body).toBe(false);
  });
});

describe('users', () => {
  it('requires a password on create only, and unlinks with null', () => {
    const form = emptyForm(KINDS.users);
    form.values.username = 'hua';
    form.values.roles = ['agent'];
    expect(fromForm(KINDS.users, form, true)).toEqual({ ok: false, error: { field: 'password', message: 'admin.e.required' } });
    expect(fromForm(KINDS.users, form, false)).toEqual({ ok: true, body: { username: 'hua', roles: ['agent'], agent_id: null } });
    form.values.password = 'correct horse battery';
    form.values.agent_id = 'a9';
    expect(fromForm(KINDS.users, form, true)).toEqual({
      ok: true, body: { username: 'hua', password: 'correct horse battery', roles: ['agent'], agent_id: 'a9' },
    });
  });
  it('shows no password and the linked agent', () => {
    const form = toForm(KINDS.users, { id: 2, username: 'u', roles: ['agent', 'analyst'], agent_id: 'a1', created_at: 'x' });
    expect(form.values).toEqual({ username: 'u', password: '', roles: ['agent', 'analyst'], agent_id: 'a1' });
    expect(form.advanced).toBe('');
  });
});

describe('skills', () => {
  it('requires an id on create', () => {
    expect(fromForm(KINDS.skills, emptyForm(KINDS.skills), true)).toEqual({ ok: false, error: { field: 'id', message: 'admin.e.required' } });
    expect(fromForm(KINDS.skills, toForm(KINDS.skills, { id: 's', name: '國語 Mandarin' }), true)).toEqual({
      ok: true, body: { id: 's', name: '國語 Mandarin' },
    });
  });
});
