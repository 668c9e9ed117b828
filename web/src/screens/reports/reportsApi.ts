// The interval report (JSON) and its CSV, through the API client (bearer token included).
import { request } from '../../api/client';
import type { IntervalReport } from './kpis';

export interface ReportQuery {
  queue: string;
  from: string;
  to: string;
  interval: string;
}

const query = (q: ReportQuery) => ({ queue: q.queue || undefined, from: q.from, to: q.to, interval: q.interval });

export const intervalReport = (q: ReportQuery) => request<IntervalReport>('/reports/intervals', { query: query(q) });

/** Fetches the CSV and hands it to the browser as a file download. */
export async function downloadCsv(q: ReportQuery, fileName: string): Promise<void> {
  const text = await request<string>('/reports/intervals', { query: { ...query(q), format: 'csv' }, text: true });
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.style.display = 'none';
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
