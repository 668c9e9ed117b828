// Display names for the API's codes, falling back to the raw code for ones the UI does not know.
import { t, type MessageKey } from '../../i18n';
import { en } from '../../i18n/en';

function known(key: string): key is MessageKey {
  return key in en;
}

export const channelLabel = (c: string | null) => (c && known(`channel.${c}`) ? t(`channel.${c}` as MessageKey) : c ?? t('common.none'));
export const presenceLabel = (p: string) => (known(`presence.${p}`) ? t(`presence.${p}` as MessageKey) : p);
export const reasonLabel = (r: string) => (known(`reason.${r}`) ? t(`reason.${r}` as MessageKey) : r);
export const routingLabel = (r: string) => (known(`routing.${r}`) ? t(`routing.${r}` as MessageKey) : r);

/** `phone: +886…, email: …` for a customer's identifiers. */
export function customerText(c: Record<string, string>): string {
  const parts = Object.entries(c).map(([k, v]) => `${k}: ${v}`);
  return parts.length ? parts.join(', ') : t('common.none');
}

/** The identifier to look history up by: phone, then email, then id, then any. */
export function customerKey(c: Record<string, string>): string | null {
  for (const k of ['phone', 'email', 'id']) if (c[k]) return c[k]!;
  const first = Object.values(c).find((v) => v);
  return first ?? null;
}

export function attributesText(a: Record<string, unknown>): string {
  const parts = Object.entries(a).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(', ') : t('common.none');
}
