// Form ↔ API object, for every kind (pure; convert.test.ts). A form holds strings, booleans,
// skill-level rows and role lists keyed by the fields' dotted paths; the advanced editor holds the
// JSON of every other key. PUT replaces the whole object, so the keys the form does not show
// travel through the advanced editor and are sent back unchanged.
import type { MessageKey } from '../../i18n';
import { ADVANCED } from './fieldPath';
import type { FieldDef, KindDef } from './kinds';

export interface LevelRow {
  skill: string;
  level: string;
}
export type Value = string | boolean | LevelRow[] | string[];
export interface FormState {
  values: Record<string, Value>;
  /** JSON text of the keys no field covers ('' when there are none). */
  advanced: string;
}

/** A problem found before sending: the control it belongs to and the message. */
export interface LocalError {
  field: string;
  message: MessageKey;
}
export type Converted = { ok: true; body: Record<string, unknown> } | { ok: false; error: LocalError };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function getPath(obj: Obj, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function setPath(obj: Obj, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (!isObj(cur[k])) cur[k] = {};
    cur = cur[k] as Obj;
  }
  cur[keys[keys.length - 1]!] = value;
}

const topKey = (f: FieldDef) => f.key.split('.')[0]!;

function fieldToValue(f: FieldDef, v: unknown): Value {
  switch (f.type) {
    case 'checkbox':
      return v === true;
    case 'password':
      return '';
    case 'levels':
      return isObj(v) ? Object.entries(v).map(([skill, level]) => ({ skill, level: String(level) })) : [];
    case 'roles':
      return Array.isArray(v) ? v.map(String) : [];
    case 'list':
      return Array.isArray(v) ? v.join(', ') : v == null ? '' : String(v);
    default:
      return v == null ? '' : String(v);
  }
}

/** The empty form of a kind (create). */
export function emptyForm(def: KindDef): FormState {
  return toForm(def, {});
}

/** An API object as a form. */
export function toForm(def: KindDef, raw: Obj): FormState {
  const obj = def.expand ? def.expand(raw) : raw;
  const values: Record<string, Value> = {};
  for (const f of def.fields) values[f.key] = fieldToValue(f, getPath(obj, f.key));
  let advanced = '';
  if (def.advanced) {
    const covered = new Set([...def.fields.map(topKey), ...def.readOnly]);
    const rest = Object.fromEntries(Object.entries(raw).filter(([k]) => !covered.has(k)));
    if (Object.keys(rest).length > 0) advanced = JSON.stringify(rest, null, 2);
  }
  return { values, advanced };
}

function parseNumber(text: string): number | null {
  const n = Number(text);
  return text.trim() === '' || !Number.isFinite(n) ? null : n;
}

/** The form as the API body; `creating` makes create-only requirements apply. */
export function fromForm(def: KindDef, form: FormState, creating: boolean): Converted {
  let body: Obj = {};
  if (def.advanced && form.advanced.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(form.advanced);
    } catch {
      return { ok: false, error: { field: ADVANCED, message: 'admin.e.json' } };
    }
    if (!isObj(parsed)) return { ok: false, error: { field: ADVANCED, message: 'admin.e.jsonObject' } };
    body = parsed;
  }
  for (const f of def.fields) {
    if (!creating && f.createOnly) continue;
    const v = form.values[f.key];
    const required = f.required || (creating && f.requiredOnCreate);
    if (typeof v === 'string') {
      const text = f.type === 'password' ? v : v.trim();
      if (text === '') {
        if (required) return { ok: false, error: { field: f.key, message: 'admin.e.required' } };
        continue;
      }
      if (f.type === 'number') {
        const n = parseNumber(text);
        if (n === null) return { ok: false, error: { field: f.key, message: 'admin.e.number' } };
        setPath(body, f.key, n);
      } else if (f.type === 'list') {
        setPath(body, f.key, text.split(/[\s,]+/).filter(Boolean));
      } else {
        setPath(body, f.key, text);
      }
    } else if (typeof v === 'boolean') {
      if (v) setPath(body, f.key, true);
    } else if (f.type === 'roles') {
      setPath(body, f.key, [...(v as string[])]);
    } else if (f.type === 'levels') {
      const rows = (v as LevelRow[]).filter((r) => r.skill.trim() !== '');
      if (rows.length === 0) continue;
      const map: Obj = {};
      for (const r of rows) {
        const n = parseNumber(r.level);
        if (n === null) return { ok: false, error: { field: `${f.key}.${r.skill}`, message: 'admin.e.level' } };
        map[r.skill.trim()] = n;
      }
      setPath(body, f.key, map);
    }
  }
  return { ok: true, body: def.collapse ? def.collapse(body) : body };
}
