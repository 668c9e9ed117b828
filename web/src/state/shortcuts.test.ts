import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyLike } from './shortcuts';

const key = (k: string, more: Partial<KeyLike> = {}): KeyLike => ({
  key: k, ctrlKey: false, metaKey: false, altKey: false, targetTag: 'BODY', targetEditable: false, ...more,
});

describe('shortcutFor', () => {
  it('maps A, R and Y in either case', () => {
    expect(['a', 'R', 'y', 'Y', 'q'].map((k) => shortcutFor(key(k)))).toEqual(['accept', 'reject', 'ready', 'ready', null]);
  });
  it('stays silent while typing or with modifiers', () => {
    expect(shortcutFor(key('a', { targetTag: 'textarea' }))).toBeNull();
    expect(shortcutFor(key('a', { targetTag: 'INPUT' }))).toBeNull();
    expect(shortcutFor(key('a', { targetTag: 'DIV', targetEditable: true }))).toBeNull();
    expect(shortcutFor(key('a', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('r', { isComposing: true }))).toBeNull();
  });
  it('still works on buttons', () => {
    expect(shortcutFor(key('a', { targetTag: 'BUTTON' }))).toBe('accept');
  });
});
