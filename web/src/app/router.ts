// The hash router: `#/agent`, `#/wallboard`, `#/admin/...`, `#/reports`, `#/login`.
import { signal } from '@preact/signals';
import type { ScreenId } from '../state/roles';

export interface Route {
  /** The screen, or 'login', or null for an unknown path. */
  screen: ScreenId | 'login' | null;
  /** Path segments after the screen (`#/admin/queues/x` → ['queues', 'x']). */
  rest: string[];
}

const SCREENS = new Set(['agent', 'wallboard', 'admin', 'reports', 'login']);

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const head = parts[0] ?? '';
  if (head === '') return { screen: null, rest: [] };
  return { screen: SCREENS.has(head) ? (head as Route['screen']) : null, rest: parts.slice(1) };
}

export const route = signal<Route>(parseHash(globalThis.location?.hash ?? ''));

globalThis.addEventListener?.('hashchange', () => {
  route.value = parseHash(location.hash);
});

export function navigate(path: string): void {
  const hash = `#/${path.replace(/^\/+/, '')}`;
  if (location.hash === hash) route.value = parseHash(hash);
  else location.hash = hash;
}
