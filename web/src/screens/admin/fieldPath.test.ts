import { describe, expect, it } from 'vitest';
import { ADVANCED, controlFor, splitPath } from './fieldPath';
import { KINDS } from './kinds';

const keys = (k: keyof typeof KINDS) => KINDS[k].fields.map((f) => f.key);

describe('splitPath', () => {
  it('splits dots and list indexes', () => {
    expect(splitPath('plan[0].requires.x')).toEqual(['plan', '0', 'requires', 'x']);
    expect(splitPath('name')).toEqual(['name']);
  });
});

describe('controlFor', () => {
  it('puts a skill error on the skills control', () => {
    expect(controlFor('skills.billing', keys('agents'), true)).toBe('skills');
  });
  it('puts a nested key on its own control', () => {
    expect(controlFor('capacity.voice', keys('agents'), true)).toBe('capacity.voice');
    expect(controlFor('service_level.threshold', keys('queues'), true)).toBe('service_level.threshold');
    expect(controlFor('admission.max_wait', keys('queues'), true)).toBe('admission.max_wait');
  });
  it('prefers the longest matching control', () => {
    expect(controlFor('a.b.c', ['a', 'a.b', 'x'], false)).toBe('a.b');
  });
  it('sends keys only the JSON editor shows there', () => {
    expect(controlFor('plan[0].requirements', keys('queues'), true)).toBe(ADVANCED);
    expect(controlFor('members[2].agent', keys('queues'), true)).toBe(ADVANCED);
    expect(controlFor('attributes.id', keys('agents'), true)).toBe(ADVANCED);
  });
  it('puts an error on a whole map on its first control', () => {
    expect(controlFor('offer', keys('queues'), true)).toBe('offer.mode');
    expect(controlFor('capacity', keys('agents'), true)).toBe('capacity.voice');
  });
  it('falls back to the form without a match or a field', () => {
    expect(controlFor('plan[0]', keys('skills'), false)).toBeNull();
    expect(controlFor(null, keys('skills'), false)).toBeNull();
    expect(controlFor('', keys('skills'), false)).toBeNull();
  });
});
