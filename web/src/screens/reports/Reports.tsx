// Reports: interval KPIs (KPI.md) for a queue or all, over whole days of the center (its UTC
// offset from GET /center), as a table and charts, with the API's CSV as a download.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { listQueues } from '../../api/endpoints';
import type { Queue } from '../../api/types';
import { formatDuration, formatNumber, formatPercent } from '../../i18n/format';
import { locale, t, type Locale } from '../../i18n';
import type { ScreenProps } from '../../app/screens';
import { useCenter } from '../../app/useCenter';
import { Chart } from './Chart';
import { figure, KPI_COLUMNS, serviceOption, volumeOption, type IntervalReport, type KpiColumn, type KpiRow } from './kpis';
import { centerClock, csvFileName, INTERVALS, rangeQuery, todayRange, type DayRange } from './range';
import { downloadCsv, intervalReport, type ReportQuery } from './reportsApi';
import './reports.css';

function cell(row: KpiRow, c: KpiColumn, l: Locale): string {
  const v = figure(row, c.key);
  if (v === null) return '–';
  if (c.format === 'ratio') return formatPercent(v, l);
  if (c.format === 'seconds') return v < 60 ? `${formatNumber(v, l)} s` : formatDuration(v);
  return formatNumber(v, l, 0);
}

/** An interval's start on the center's clock (its UTC fields shifted by the center's offset). */
function slotLabel(iso: string | undefined, daily: boolean, multiDay: boolean, l: Locale, eastMin: number): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = centerClock(ms, eastMin);
  const opts: Intl.DateTimeFormatOptions = daily
    ? { year: 'numeric', month: '2-digit', day: '2-digit' }
    : { ...(multiDay ? { month: '2-digit', day: '2-digit' } : {}), hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Intl.DateTimeFormat(l, { ...opts, timeZone: 'UTC' }).format(d);
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export default function Reports(_props: ScreenProps) {
  const center = useCenter();
  // Minutes east of UTC; the browser's own only when the center cannot be read.
  const offset = center.info?.utc_offset_minutes ?? (center.failed ? -new Date().getTimezoneOffset() : null);
  const [queues, setQueues] = useState<Queue[]>([]);
  const [queue, setQueue] = useState('');
  const [range, setRange] = useState<DayRange | null>(null);
  const [interval, setStep] = useState<string>('15m');
  const [report, setReport] = useState<IntervalReport | null>(null);
  const [shown, setShown] = useState<ReportQuery | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [csvError, setCsvError] = useState<string | null>(null);
  const l = locale.value;

  const currentQuery = (): ReportQuery | null => {
    const r = range && offset !== null ? rangeQuery(range, offset) : null;
    return r ? { queue, interval, ...r } : null;
  };

  const run = async (e?: Event) => {
    e?.preventDefault();
    const q = currentQuery();
    if (!q) {
      setError(t('reports.badRange'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setReport(await intervalReport(q));
      setShown(q);
    } catch (err) {
      setError(t('error.generic', { message: errText(err) }));
    } finally {
      setBusy(false);
    }
  };

  const csv = async () => {
    const q = currentQuery();
    if (!q) {
      setError(t('reports.badRange'));
      return;
    }
    setCsvError(null);
    try {
      await downloadCsv(q, csvFileName(queue, range!, interval));
    } catch (err) {
      setCsvError(t('reports.csvFailed', { message: errText(err) }));
    }
  };

  useEffect(() => {
    listQueues().then((a) => setQueues(a.queues), () => undefined);
  }, []);
  // The first report: today in the center once its offset is known.
  useEffect(() => {
    if (offset !== null && range === null) setRange(todayRange(Date.now(), offset));
  }, [offset]);
  useEffect(() => {
    if (range !== null && !shown && !busy) void run();
  }, [range === null]);

  const rows = report?.rows ?? [];
  const daily = (report?.interval_s ?? 0) >= 86400;
  const multiDay = shown !== null && Date.parse(shown.to) - Date.parse(shown.from) > 86400_000 + 3600_000;
  const axis = useMemo(() => rows.map((r) => slotLabel(r.start, daily, multiDay, l, offset ?? 0)), [report, l, offset]);
  const labels = {
    offered: t('reports.k.offered'), answered: t('reports.k.answered'), abandoned: t('reports.k.abandoned'),
    serviceLevel: t('reports.k.service_level'), asa: t('reports.k.asa_s'),
  };
  const volume = useMemo(() => volumeOption(rows, axis, labels), [report, l]);
  const service = useMemo(() => serviceOption(rows, axis, labels), [report, l]);

  return (
    <div class="reports" data-testid="reports-screen">
      <form class="card report-filters" onSubmit={run} data-testid="reports-form">
        <h1>{t('reports.title')}</h1>
        <label>
          {t('reports.queue')}
          <select value={queue} onChange={(e) => setQueue(e.currentTarget.value)} data-testid="reports-queue">
            <option value="">{t('reports.allQueues')}</option>
            {queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name && q.name !== q.id ? `${q.name} (${q.id})` : q.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.from')}
          <input type="date" value={range?.from ?? ''} onInput={(e) => setRange({ to: '', ...range, from: e.currentTarget.value })} data-testid="reports-from" />
        </label>
        <label>
          {t('reports.to')}
          <input type="date" value={range?.to ?? ''} onInput={(e) => setRange({ from: '', ...range, to: e.currentTarget.value })} data-testid="reports-to" />
        </label>
        <label>
          {t('reports.interval')}
          <select value={interval} onChange={(e) => setStep(e.currentTarget.value)} data-testid="reports-interval">
            {INTERVALS.map((i) => (
              <option key={i} value={i}>
                {t(`reports.interval.${i}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" disabled={busy} data-testid="reports-run">
          {busy ? t('app.loading') : t('reports.run')}
        </button>
        <button type="button" onClick={() => void csv()} data-testid="reports-csv">
          {t('reports.csv')}
        </button>
      </form>
      {error && (
        <p class="notice error" role="alert" data-testid="reports-error">
          {error}
        </p>
      )}
      {csvError && (
        <p class="notice error" role="alert" data-testid="reports-csv-error">
          {csvError}
        </p>
      )}
      {report && rows.length === 0 && (
        <p class="notice" data-testid="reports-empty">
          {t('reports.empty')}
        </p>
      )}
      {report && rows.length > 0 && (
        <div class="report-charts">
          <section class="card">
            <h2>{t('reports.volume')}</h2>
            <Chart option={volume} label={t('reports.volume')} testid="reports-chart-volume" />
          </section>
          <section class="card">
            <h2>{t('reports.service')}</h2>
            <Chart option={service} label={t('reports.service')} testid="reports-chart-service" />
          </section>
        </div>
      )}
      {report && (
        <section class="card report-table-wrap" tabIndex={0} aria-labelledby="report-table-title">
          <h2 id="report-table-title">{t('reports.table')}</h2>
          <table class="report-table" data-testid="reports-table">
            <thead>
              <tr>
                <th scope="col">{t('reports.start')}</th>
                {KPI_COLUMNS.map((c) => (
                  <th key={c.key} scope="col">
                    {t(c.label)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.start ?? i} data-testid="reports-row">
                  <th scope="row">{axis[i]}</th>
                  {KPI_COLUMNS.map((c) => (
                    <td key={c.key} data-kpi={c.key}>
                      {cell(r, c, l)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="reports-total">
                <th scope="row">{t('reports.total')}</th>
                {KPI_COLUMNS.map((c) => (
                  <td key={c.key} data-kpi={c.key}>
                    {cell(report.total, c, l)}
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </section>
      )}
    </div>
  );
}
