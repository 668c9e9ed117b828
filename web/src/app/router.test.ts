import { describe, expect, it } from 'vitest';
import { parseHash } from './router';

describe('parseHash', () => {
  it('splits the screen from the rest', () => {
    expect(parseHash('#/admin/queues/billing')).toEqual({ screen: 'admin', rest: ['queues', 'billing'] });
    expect(parseHash('#/agent')).toEqual({ screen: 'agent', rest: [] });
    expect(parseHash('#/reports?queue=x')).toEqual({ screen: 'reports', rest: [] });
  });
  it('knows no screen for empty or unknown paths', () => {
    expect(parseHash('')).toEqual({ screen: null, rest: [] });
    expect(parseHash('#/nope').screen).toBeNull();
  });
});
