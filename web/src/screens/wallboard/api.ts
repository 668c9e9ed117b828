// The routes only the wallboard reads (docs/api.md): "why not routed" and the 15-minute KPI
// intervals.
import { request } from '../../api/client';

export interface ExplainCandidate {
  agent: string;
  reason: string;
  detail?: string;
  until?: string;
}

export interface Explanation {
  interaction: number;
  state: string;
  queue: string;
  step: number;
  candidates: ExplainCandidate[];
}

export interface IntervalRow {
  start: string;
  end: string;
  offered: number;
  answered: number;
  abandoned: number;
  service_level: number | null;
  asa_s: number | null;
}

export const explainInteraction = (id: number) => request<Explanation>(`/interactions/${id}/explain`);
export const intervals = (from: string, interval = '15m', queue = 'all') =>
  request<{ rows: IntervalRow[] }>('/reports/intervals', { query: { from, interval, queue } });
