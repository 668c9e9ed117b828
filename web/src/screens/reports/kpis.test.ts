import { describe, expect, it } from 'vitest';
import { figure, KPI_COLUMNS, serviceOption, volumeOption } from './kpis';

const labels = { offered: 'O', answered: 'A', abandoned: 'X', serviceLevel: 'SL', asa: 'ASA' };
const rows = [
  { start: 's1', offered: 4, answered: 3, abandoned: 1, service_level: 0.756, asa_s: 12.5 },
  { start: 's2', offered: 0, answered: 0, abandoned: 0, service_level: null, asa_s: null },
];

describe('KPI columns', () => {
  it('cover every figure the API sends once', () => {
    const keys = KPI_COLUMNS.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of ['offered', 'service_level', 'p_wait', 'asa_s', 'abandon_rate', 'aht_s', 'occupancy', 'rona']) expect(keys).toContain(k);
  });
  it('reads numbers and treats null as no figure', () => {
    expect(figure(rows[0]!, 'asa_s')).toBe(12.5);
    expect(figure(rows[1]!, 'asa_s')).toBeNull();
    expect(figure(rows[1]!, 'missing')).toBeNull();
  });
});

describe('chart options', () => {
  it('draws the volume per interval', () => {
    const o = volumeOption(rows, ['08:00', '08:15'], labels);
    expect(o.series.map((s) => s.name)).toEqual(['O', 'A', 'X']);
    expect(o.series[0]!.data).toEqual([4, 0]);
    expect(o.xAxis.data).toEqual(['08:00', '08:15']);
  });
  it('draws service level in percent with gaps, ASA on the second axis', () => {
    const o = serviceOption(rows, ['a', 'b'], labels);
    expect(o.series[0]!.data).toEqual([75.6, null]);
    expect(o.series[1]).toMatchObject({ yAxisIndex: 1, data: [12.5, null] });
  });
});
