import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zhCN } from './zh-CN';
import { zhTW } from './zh-TW';
import { formatDuration, formatPercent, secondsSince } from './format';
import { interpolate, translate } from './index';
import { initialLocale } from './locales';

describe('dictionaries', () => {
  it('have the same keys and no empty text', () => {
    const keys = Object.keys(en).sort();
    for (const d of [zhTW, zhCN]) {
      expect(Object.keys(d).sort()).toEqual(keys);
      expect(Object.values(d).every((v) => v.trim().length > 0)).toBe(true);
    }
  });
  it('keep the placeholders of the English text', () => {
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [k, v] of Object.entries(en)) {
      const key = k as keyof typeof en;
      expect(holes(zhTW[key]), key).toEqual(holes(v));
      expect(holes(zhCN[key]), key).toEqual(holes(v));
    }
  });
  it('translate per locale and fill placeholders', () => {
    expect(translate('zh-TW', 'app.logout')).toBe('登出');
    expect(translate('en', 'app.signedInAs', { user: 'hua' })).toBe('Signed in as hua');
    expect(interpolate('{a}-{b}', { a: 1 })).toBe('1-{b}');
  });
});

describe('locale choice', () => {
  it('prefers the stored choice, then the browser language', () => {
    expect(initialLocale('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(initialLocale(null, ['zh-Hant-TW'])).toBe('zh-TW');
    expect(initialLocale(null, ['zh-TW'])).toBe('zh-TW');
    expect(initialLocale('xx', ['zh-CN'])).toBe('zh-CN');
    expect(initialLocale(null, ['fr'])).toBe('en');
  });
});

describe('formatting', () => {
  it('writes durations as clocks', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(75.9)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(-3)).toBe('0:00');
  });
  it('writes ratios as percentages, null as a dash', () => {
    expect(formatPercent(0.8, 'en')).toBe('80%');
    expect(formatPercent(null, 'zh-TW')).toBe('–');
  });
  it('measures seconds since an instant', () => {
    expect(secondsSince('2026-11-22T10:00:00Z', Date.parse('2026-11-22T10:01:30Z'))).toBe(90);
  });
});
