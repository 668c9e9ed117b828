// The agent desktop's keyboard shortcuts (pure; unit-tested): A accept, R reject, Y ready.
// They never fire while the user types in a field or with a modifier key held.

export type ShortcutAction = 'accept' | 'reject' | 'ready';

export const SHORTCUT_KEYS: Record<ShortcutAction, string> = { accept: 'A', reject: 'R', ready: 'Y' };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing?: boolean;
  /** The focused element's tag name and whether it is editable. */
  targetTag: string;
  targetEditable: boolean;
}

const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

export function shortcutFor(k: KeyLike): ShortcutAction | null {
  if (k.ctrlKey || k.metaKey || k.altKey || k.isComposing) return null;
  if (k.targetEditable || TYPING_TAGS.has(k.targetTag.toUpperCase())) return null;
  const key = k.key.toUpperCase();
  for (const [action, letter] of Object.entries(SHORTCUT_KEYS)) if (letter === key) return action as ShortcutAction;
  return null;
}
