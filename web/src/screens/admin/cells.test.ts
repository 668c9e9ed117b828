import { describe, expect, it } from 'vitest';
import { cellText } from './cells';

describe('cellText', () => {
  it('writes maps, lists and missing values readably', () => {
    expect(cellText({ billing: 3, mandarin: 5 })).toBe('billing 3, mandarin 5');
    expect(cellText(['agent', 'analyst'])).toBe('agent, analyst');
    expect(cellText({ mode: 'parallel', count: 2 })).toBe('mode parallel, count 2');
    expect(cellText(null)).toBe('—');
    expect(cellText('')).toBe('—');
    expect(cellText(0)).toBe('0');
  });
});
