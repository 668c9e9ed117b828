// A list cell's text for any API value (pure).

export function cellText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.map(cellText).join(', ');
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k} ${cellText(x)}`)
      .join(', ');
  }
  return String(v);
}
