// The screens, each loaded on first visit (dynamic import keeps the initial bundle small).
import type { ComponentType } from 'preact';
import type { Session } from '../state/session';
import type { ScreenId } from '../state/roles';
import type { MessageKey } from '../i18n';

export interface ScreenProps {
  session: Session;
  /** Path segments after the screen's own (`#/admin/queues/x` → ['queues', 'x']). */
  rest: string[];
}

export type ScreenModule = { default: ComponentType<ScreenProps> };

export const SCREEN_LOADERS: Record<ScreenId, () => Promise<ScreenModule>> = {
  agent: () => import('../screens/agent/AgentDesktop'),
  wallboard: () => import('../screens/wallboard/Wallboard'),
  admin: () => import('../screens/admin/Admin'),
  reports: () => import('../screens/reports/Reports'),
};

export const SCREEN_LABELS: Record<ScreenId, MessageKey> = {
  agent: 'nav.agent',
  wallboard: 'nav.wallboard',
  admin: 'nav.admin',
  reports: 'nav.reports',
};
