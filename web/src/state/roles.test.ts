import { describe, expect, it } from 'vitest';
import { canOpen, homeScreen, screensFor } from './roles';

describe('navigation by role', () => {
  it('gives each role its screens', () => {
    expect(screensFor(['agent'])).toEqual(['agent']);
    expect(screensFor(['supervisor'])).toEqual(['wallboard', 'reports']);
    expect(screensFor(['admin'])).toEqual(['admin', 'reports']);
    expect(screensFor(['analyst'])).toEqual(['reports']);
    expect(screensFor(['agent', 'supervisor'])).toEqual(['agent', 'wallboard', 'reports']);
  });
  it('lands on the first allowed screen, or nowhere', () => {
    expect(homeScreen(['admin'])).toBe('admin');
    expect(homeScreen([])).toBeNull();
  });
  it('refuses screens outside the roles', () => {
    expect(canOpen('admin', ['agent'])).toBe(false);
    expect(canOpen('reports', ['analyst'])).toBe(true);
  });
});
