import { describe, expect, it } from 'vitest';
import { setLocale } from '../../i18n';
import { attributesText, channelLabel, customerKey, customerText, reasonLabel } from './labels';

describe('agent desktop labels', () => {
  it('looks history up by phone, then email, then id, then anything', () => {
    expect(customerKey({ email: 'a@b', phone: '+886' })).toBe('+886');
    expect(customerKey({ id: 'c7', email: 'a@b' })).toBe('a@b');
    expect(customerKey({ crm: 'x1' })).toBe('x1');
    expect(customerKey({})).toBeNull();
  });
  it('names known codes per language and shows unknown ones as they are', () => {
    setLocale('zh-TW');
    expect([channelLabel('chat'), reasonLabel('lunch'), reasonLabel('dentist')]).toEqual(['文字交談', '用餐', 'dentist']);
    setLocale('en');
    expect(channelLabel(null)).toBe('—');
  });
  it('writes identifiers and attributes on one line', () => {
    expect(customerText({ phone: '+886', email: 'a@b' })).toBe('phone: +886, email: a@b');
    expect(attributesText({ vip: true, topic: 'refund' })).toBe('vip: true, topic: refund');
  });
});
