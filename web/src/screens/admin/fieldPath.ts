// Where an API error belongs on a form: the API names the key path inside the body
// (`skills.billing`, `plan[0].requirements`, `service_level.threshold`); a form has controls keyed
// by dotted paths. The error goes to the control whose path is the longest prefix of the error's,
// to the advanced JSON editor when the path starts in a key only that editor shows, or to the
// form itself (null) when neither holds.

/** `plan[0].requires.x` → ['plan', '0', 'requires', 'x']. */
export function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '');
}

function isPrefix(prefix: string[], of: string[]): boolean {
  return prefix.length <= of.length && prefix.every((s, i) => s === of[i]);
}

export const ADVANCED = 'advanced';

/**
 * The control for an error's field path: one of `controls` (dotted paths), ADVANCED when the
 * path's first key is not covered by any control and an advanced editor exists, else null.
 */
export function controlFor(field: string | null | undefined, controls: readonly string[], hasAdvanced: boolean): string | null {
  if (!field) return null;
  const path = splitPath(field);
  if (path.length === 0) return null;
  let best: string | null = null;
  let bestLen = 0;
  for (const c of controls) {
    const parts = splitPath(c);
    if (parts.length > bestLen && isPrefix(parts, path)) {
      best = c;
      bestLen = parts.length;
    }
  }
  if (best !== null) return best;
  // A deeper control under the named key (error `offer`, control `offer.mode`): its first one.
  const under = controls.find((c) => isPrefix(path, splitPath(c)));
  if (under !== undefined) return under;
  return hasAdvanced ? ADVANCED : null;
}
