// The current language (a signal) and `t(key, params)`.
import { signal } from '@preact/signals';
import { en, type MessageKey, type Messages } from './en';
import { initialLocale, type Locale } from './locales';
import { zhCN } from './zh-CN';
import { zhTW } from './zh-TW';

export type { MessageKey } from './en';
export { LOCALES, LOCALE_NAMES, type Locale } from './locales';

const DICTS: Record<Locale, Messages> = { en, 'zh-TW': zhTW, 'zh-CN': zhCN };
const KEY = 'hotline.locale';

function stored(): string | null {
  try {
    return globalThis.localStorage?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

export const locale = signal<Locale>(initialLocale(stored(), globalThis.navigator?.languages ?? []));

export function setLocale(l: Locale): void {
  locale.value = l;
  try {
    globalThis.localStorage?.setItem(KEY, l);
  } catch {
    // Not persisted; still applied.
  }
  if (globalThis.document) document.documentElement.lang = l;
}

/** Fills {name} placeholders. */
export function interpolate(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

export function translate(l: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  return interpolate(DICTS[l][key], params);
}

/** In the current language; reading `locale` makes components re-render on a switch. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return translate(locale.value, key, params);
}
