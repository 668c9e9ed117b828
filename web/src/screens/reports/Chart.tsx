// One ECharts chart; the library is imported on first draw, so it is its own lazy chunk.
import { useEffect, useRef } from 'preact/hooks';

export function Chart({ option, label, testid }: { option: object; label: string; testid: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<{ setOption: (o: object, notMerge: boolean) => void; dispose: () => void; resize: () => void } | null>(null);

  useEffect(() => {
    let gone = false;
    const onResize = () => chart.current?.resize();
    void import('../../charts/echarts').then(({ echarts }) => {
      if (gone || !el.current) return;
      chart.current = echarts.init(el.current);
      chart.current.setOption(option, true);
      window.addEventListener('resize', onResize);
    });
    return () => {
      gone = true;
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => chart.current?.setOption(option, true), [option]);

  return <div ref={el} class="report-chart" role="img" aria-label={label} data-testid={testid} />;
}
