// Which screens a user's roles open (pure, unit-tested). agent → desktop; supervisor →
// wallboard; admin → administration; analyst, supervisor, admin → reports.
import type { Role } from '../api/types';

export type ScreenId = 'agent' | 'wallboard' | 'admin' | 'reports';

export const SCREEN_ROLES: Record<ScreenId, readonly Role[]> = {
  agent: ['agent'],
  wallboard: ['supervisor'],
  admin: ['admin'],
  reports: ['analyst', 'supervisor', 'admin'],
};

const ORDER: readonly ScreenId[] = ['agent', 'wallboard', 'admin', 'reports'];

export function canOpen(screen: ScreenId, roles: readonly Role[]): boolean {
  return SCREEN_ROLES[screen].some((r) => roles.includes(r));
}

/** The screens to list in the navigation, in a fixed order. */
export function screensFor(roles: readonly Role[]): ScreenId[] {
  return ORDER.filter((s) => canOpen(s, roles));
}

/** Where a user lands after login: the first screen it may open, or null if none. */
export function homeScreen(roles: readonly Role[]): ScreenId | null {
  return screensFor(roles)[0] ?? null;
}
