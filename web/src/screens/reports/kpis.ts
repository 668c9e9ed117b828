// The interval report's figures (KPI.md) as the API names them, how each is shown, and the
// chart options built from the rows (pure; kpis.test.ts).
import type { MessageKey } from '../../i18n';

export type KpiFormat = 'count' | 'ratio' | 'seconds';
export interface KpiColumn {
  key: string;
  label: MessageKey;
  format: KpiFormat;
}

export const KPI_COLUMNS: readonly KpiColumn[] = [
  { key: 'offered', label: 'reports.k.offered', format: 'count' },
  { key: 'answered', label: 'reports.k.answered', format: 'count' },
  { key: 'abandoned', label: 'reports.k.abandoned', format: 'count' },
  { key: 'short_abandoned', label: 'reports.k.short_abandoned', format: 'count' },
  { key: 'answered_within_t', label: 'reports.k.answered_within_t', format: 'count' },
  { key: 'service_level', label: 'reports.k.service_level', format: 'ratio' },
  { key: 'service_level_answered_only', label: 'reports.k.service_level_answered_only', format: 'ratio' },
  { key: 'service_level_with_abandons', label: 'reports.k.service_level_with_abandons', format: 'ratio' },
  { key: 'p_wait', label: 'reports.k.p_wait', format: 'ratio' },
  { key: 'asa_s', label: 'reports.k.asa_s', format: 'seconds' },
  { key: 'average_wait_to_abandon_s', label: 'reports.k.average_wait_to_abandon_s', format: 'seconds' },
  { key: 'abandon_rate', label: 'reports.k.abandon_rate', format: 'ratio' },
  { key: 'aht_s', label: 'reports.k.aht_s', format: 'seconds' },
  { key: 'acw_s', label: 'reports.k.acw_s', format: 'seconds' },
  { key: 'occupancy', label: 'reports.k.occupancy', format: 'ratio' },
  { key: 'utilization', label: 'reports.k.utilization', format: 'ratio' },
  { key: 'transfer_rate', label: 'reports.k.transfer_rate', format: 'ratio' },
  { key: 'ivr_routing_accuracy', label: 'reports.k.ivr_routing_accuracy', format: 'ratio' },
  { key: 'rona', label: 'reports.k.rona', format: 'count' },
  { key: 'completed', label: 'reports.k.completed', format: 'count' },
  { key: 'transferred', label: 'reports.k.transferred', format: 'count' },
  { key: 'timed_out', label: 'reports.k.timed_out', format: 'count' },
  { key: 'exited', label: 'reports.k.exited', format: 'count' },
  { key: 'rejected', label: 'reports.k.rejected', format: 'count' },
];

export type KpiRow = Record<string, unknown> & { start?: string; end?: string };
export interface IntervalReport {
  from: string;
  to: string;
  queue: string;
  interval_s: number;
  rows: KpiRow[];
  total: KpiRow;
}

/** A figure as a number, or null (absent, or no denominator). */
export function figure(row: KpiRow, key: string): number | null {
  const v = row[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export interface ChartLabels {
  offered: string;
  answered: string;
  abandoned: string;
  serviceLevel: string;
  asa: string;
}

/** Volume per interval: offered, answered, abandoned as bars. */
export function volumeOption(rows: readonly KpiRow[], axis: readonly string[], l: ChartLabels) {
  const series = (['offered', 'answered', 'abandoned'] as const).map((k) => ({
    name: l[k],
    type: 'bar' as const,
    data: rows.map((r) => figure(r, k) ?? 0),
  }));
  return {
    color: ['#0b5cad', '#176b2c', '#b3261e'],
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    xAxis: { type: 'category' as const, data: [...axis] },
    yAxis: { type: 'value' as const, minInterval: 1 },
    series,
  };
}

/** Service level (%, left axis) and ASA (s, right axis) per interval; gaps where undefined. */
export function serviceOption(rows: readonly KpiRow[], axis: readonly string[], l: ChartLabels) {
  const sl = rows.map((r) => {
    const v = figure(r, 'service_level');
    return v === null ? null : Math.round(v * 1000) / 10;
  });
  return {
    color: ['#0b5cad', '#8a4b00'],
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0 },
    grid: { left: 48, right: 56, top: 36, bottom: 32 },
    xAxis: { type: 'category' as const, data: [...axis] },
    yAxis: [
      { type: 'value' as const, min: 0, max: 100, name: '%' },
      { type: 'value' as const, min: 0, name: 's' },
    ],
    series: [
      { name: l.serviceLevel, type: 'line' as const, data: sl, connectNulls: false, showSymbol: true, symbolSize: 8, z: 3 },
      { name: l.asa, type: 'bar' as const, yAxisIndex: 1, data: rows.map((r) => figure(r, 'asa_s')) },
    ],
  };
}
