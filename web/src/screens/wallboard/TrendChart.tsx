// The trend of the last hours by 15-minute interval (all queues): offered, answered and abandoned
// as bars, service level as a line. ECharts from src/charts (module by module). The same figures
// are in a table for screen readers.
import type { Signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { echarts } from '../../charts/echarts';
import { locale, t } from '../../i18n';
import type { Locale } from '../../i18n';
import { formatPercent } from '../../i18n/format';
import type { TrendPoint } from '../../state/wallboard';
import { TREND_HOURS } from './useWallboard';
import { errorText } from './text';

function hhmm(ms: number, l: Locale): string {
  return new Intl.DateTimeFormat(l, { hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}

function option(points: TrendPoint[], l: Locale) {
  const labels = points.map((p) => hhmm(p.start, l));
  return {
    animation: false,
    grid: { left: 36, right: 40, top: 30, bottom: 24 },
    legend: { top: 0, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: labels, axisLabel: { fontSize: 10 } },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: { fontSize: 10 } },
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%', fontSize: 10 } },
    ],
    series: [
      { name: t('wb.trend.offered'), type: 'bar', data: points.map((p) => p.offered), itemStyle: { color: '#5b7fa6' } },
      { name: t('wb.trend.answered'), type: 'bar', data: points.map((p) => p.answered), itemStyle: { color: '#176b2c' } },
      { name: t('wb.trend.abandoned'), type: 'bar', data: points.map((p) => p.abandoned), itemStyle: { color: '#b3261e' } },
      {
        name: t('wb.trend.sl'), type: 'line', yAxisIndex: 1, symbol: 'circle', connectNulls: false,
        data: points.map((p) => (p.sl === null ? null : Math.round(p.sl * 1000) / 10)), itemStyle: { color: '#8a4b00' },
        lineStyle: { type: 'dashed', width: 2 },
      },
    ],
  };
}

export function TrendChart({ trend, error }: { trend: Signal<TrendPoint[] | null>; error: Signal<unknown> }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const points = trend.value;
  const l = locale.value;

  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(box.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    if (chart.current && points) chart.current.setOption(option(points, l), { notMerge: true });
  }, [points, l]);

  return (
    <figure class="wb-trend card" data-testid="wb-trend-chart" data-points={points?.length ?? 0}>
      <figcaption>{t('wb.trend', { hours: TREND_HOURS })}</figcaption>
      {error.value ? <p class="field-error" role="alert">{t('wb.trendFailed', { message: errorText(error.value) })}</p> : null}
      <div ref={box} class="wb-trend-canvas" aria-hidden="true" />
      {points && (
        <div class="sr-only">
          <table>
            <caption>{t('wb.trend', { hours: TREND_HOURS })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('wb.trend.interval')}</th><th scope="col">{t('wb.trend.offered')}</th>
                <th scope="col">{t('wb.trend.answered')}</th><th scope="col">{t('wb.trend.abandoned')}</th><th scope="col">{t('wb.trend.sl')}</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.start}>
                  <th scope="row">{hhmm(p.start, l)}</th><td>{p.offered}</td><td>{p.answered}</td><td>{p.abandoned}</td><td>{formatPercent(p.sl, l)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
}
