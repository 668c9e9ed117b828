// The logged-in session: token and user, kept in sessionStorage so a reload stays logged in but
// a closed tab does not. `endSession` is what a 401 or the logout button calls.
import { signal } from '@preact/signals';
import type { User } from '../api/types';

export interface Session {
  token: string;
  user: User;
}

const KEY = 'hotline.session';

function load(): Session | null {
  try {
    const raw = globalThis.sessionStorage?.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s.token === 'string' && s.user && Array.isArray(s.user.roles) ? s : null;
  } catch {
    return null;
  }
}

export const session = signal<Session | null>(load());

export function startSession(s: Session): void {
  session.value = s;
  try {
    globalThis.sessionStorage?.setItem(KEY, JSON.stringify(s));
  } catch {
    // Storage refused (private mode): the session lives in memory only.
  }
}

export function endSession(): void {
  session.value = null;
  try {
    globalThis.sessionStorage?.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}
