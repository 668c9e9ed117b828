// Display text for the wallboard: API codes to translated labels, errors to messages.
import { t, type MessageKey } from '../../i18n';
import { en } from '../../i18n/en';

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The translation of `prefix + code`, or the code itself when the UI does not know it. */
export function codeLabel(prefix: string, code: string): string {
  const key = `${prefix}${code}`;
  return key in en ? t(key as MessageKey) : code;
}
