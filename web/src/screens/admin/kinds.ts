// The administered object kinds and their form fields. Each field's key is its dotted path in the
// API object (hotline.yaml's schema, docs/configuration.md), which is also how API errors name it.
// Keys no field covers are edited in the kind's advanced JSON editor, so every setting is reachable.
import type { MessageKey } from '../../i18n';

export type AdminKind = 'skills' | 'queues' | 'agents' | 'users' | 'dispositions';
export const ADMIN_KINDS: readonly AdminKind[] = ['skills', 'queues', 'agents', 'users', 'dispositions'];

export type FieldType = 'text' | 'password' | 'number' | 'duration' | 'expression' | 'select' | 'checkbox' | 'levels' | 'roles' | 'list';

export interface FieldDef {
  /** Dotted path in the object; also the control's id. */
  key: string;
  type: FieldType;
  label: MessageKey;
  hint?: MessageKey;
  /** Fixed choices (an empty first choice means "not set"), or the center's skills or agents. */
  options?: readonly string[] | 'skills' | 'agents';
  required?: boolean;
  /** Required on create only (a user's password). */
  requiredOnCreate?: boolean;
  /** Set on create, fixed afterwards (ids). */
  createOnly?: boolean;
  /** Starts a titled group of fields. */
  section?: MessageKey;
}

export interface KindDef {
  kind: AdminKind;
  /** API collection path and the list answer's key. */
  path: string;
  fields: readonly FieldDef[];
  /** Keys the API reads back but does not accept (live state, server-set). */
  readOnly: readonly string[];
  /** Keys outside the form go to an advanced JSON editor. */
  advanced: boolean;
  /** The list's columns (field keys). */
  columns: readonly string[];
  /** The object's id (numbers for users). */
  idOf: (obj: Record<string, unknown>) => string;
  /** API shape → form shape (e.g. `offer: "single"` → `{mode: "single"}`), and back. */
  expand?: (obj: Record<string, unknown>) => Record<string, unknown>;
  collapse?: (obj: Record<string, unknown>) => Record<string, unknown>;
}

const CHANNELS = ['voice', 'chat', 'email', 'callback', 'task'] as const;
const EMPTY_WHEN = ['', 'never', 'no_members', 'no_logged_in', 'no_ready'];
export const ROLES = ['admin', 'supervisor', 'agent', 'analyst'] as const;

const idField: FieldDef = { key: 'id', type: 'text', label: 'admin.f.id', required: true, createOnly: true, hint: 'admin.h.id' };
const nameField: FieldDef = { key: 'name', type: 'text', label: 'admin.f.name', hint: 'admin.h.name' };
const stringId = (o: Record<string, unknown>) => String(o.id ?? '');

/** A setting written either as a bare mode or as a map with that mode (offer, task_order). */
function modeToMap(v: unknown): unknown {
  return typeof v === 'string' ? { mode: v } : v;
}
function mapToMode(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'mode') return (v as { mode: unknown }).mode;
  }
  return v;
}
function mapKeys(obj: Record<string, unknown>, keys: string[], f: (v: unknown) => unknown): Record<string, unknown> {
  const out = { ...obj };
  for (const k of keys) if (k in out) out[k] = f(out[k]);
  return out;
}

const simple = (kind: 'skills' | 'dispositions'): KindDef => ({
  kind,
  path: `/${kind}`,
  fields: [idField, nameField],
  readOnly: [],
  advanced: false,
  columns: ['id', 'name'],
  idOf: stringId,
});

export const KINDS: Record<AdminKind, KindDef> = {
  skills: simple('skills'),
  dispositions: simple('dispositions'),
  agents: {
    kind: 'agents',
    path: '/agents',
    fields: [
      idField,
      nameField,
      { key: 'skills', type: 'levels', label: 'admin.f.skills', options: 'skills', section: 'admin.s.skills' },
      ...CHANNELS.map(
        (c, i): FieldDef => ({ key: `capacity.${c}`, type: 'number', label: `channel.${c}`, section: i === 0 ? 'admin.s.capacity' : undefined }),
      ),
      { key: 'cross_channel', type: 'select', label: 'admin.f.cross_channel', options: ['', 'exclusive', 'same_channel_only', 'any'], section: 'admin.s.routing' },
      { key: 'profile', type: 'text', label: 'admin.f.profile', hint: 'admin.h.profile' },
      { key: 'weight', type: 'number', label: 'admin.f.agentWeight' },
    ],
    readOnly: ['presence', 'reason', 'routing_state', 'state_since', 'load', 'handled', 'user_id'],
    advanced: true,
    columns: ['id', 'name', 'skills', 'capacity'],
    idOf: stringId,
  },
  queues: {
    kind: 'queues',
    path: '/queues',
    fields: [
      idField,
      nameField,
      { key: 'service_level.threshold', type: 'duration', label: 'admin.f.slThreshold', section: 'admin.s.serviceLevel', hint: 'admin.h.duration' },
      { key: 'service_level.short_abandon', type: 'duration', label: 'admin.f.shortAbandon', hint: 'admin.h.duration' },
      { key: 'agent_order', type: 'list', label: 'admin.f.agentOrder', hint: 'admin.h.agentOrder', section: 'admin.s.order' },
      { key: 'offer.mode', type: 'select', label: 'admin.f.offerMode', options: ['', 'single', 'ring_all', 'parallel', 'progressive'] },
      { key: 'offer.count', type: 'number', label: 'admin.f.offerCount', hint: 'admin.h.offerCount' },
      { key: 'offer.step', type: 'duration', label: 'admin.f.offerStep', hint: 'admin.h.offerStep' },
      { key: 'offer_timeout', type: 'duration', label: 'admin.f.offerTimeout', hint: 'admin.h.duration' },
      { key: 'task_order.mode', type: 'select', label: 'admin.f.taskOrder', options: ['', 'strict', 'time_offset'] },
      { key: 'task_order.seconds_per_point', type: 'number', label: 'admin.f.secondsPerPoint', hint: 'admin.h.secondsPerPoint' },
      { key: 'lifo', type: 'checkbox', label: 'admin.f.lifo' },
      { key: 'weight', type: 'number', label: 'admin.f.queueWeight' },
      { key: 'wrapup.mode', type: 'select', label: 'admin.f.wrapupMode', options: ['', 'none', 'timed', 'discretionary'], section: 'admin.s.wrapup' },
      { key: 'wrapup.duration', type: 'duration', label: 'admin.f.wrapupDuration', hint: 'admin.h.duration' },
      { key: 'membership', type: 'expression', label: 'admin.f.membership', hint: 'admin.h.membership', section: 'admin.s.membership' },
      { key: 'requires', type: 'levels', label: 'admin.f.requires', options: 'skills', hint: 'admin.h.requires' },
      { key: 'admission.max_length', type: 'number', label: 'admin.f.maxLength', section: 'admin.s.admission' },
      { key: 'admission.join_when_empty', type: 'select', label: 'admin.f.joinWhenEmpty', options: EMPTY_WHEN },
      { key: 'admission.leave_when_empty', type: 'select', label: 'admin.f.leaveWhenEmpty', options: EMPTY_WHEN },
      { key: 'admission.max_wait', type: 'duration', label: 'admin.f.maxWait', hint: 'admin.h.duration' },
      { key: 'admission.max_wait_no_agents', type: 'duration', label: 'admin.f.maxWaitNoAgents', hint: 'admin.h.duration' },
    ],
    readOnly: [],
    advanced: true,
    columns: ['id', 'name', 'agent_order', 'offer'],
    idOf: stringId,
    expand: (o) => mapKeys(o, ['offer', 'task_order'], modeToMap),
    collapse: (o) => mapKeys(o, ['offer', 'task_order'], mapToMode),
  },
  users: {
    kind: 'users',
    path: '/users',
    fields: [
      { key: 'username', type: 'text', label: 'admin.f.username', required: true },
      { key: 'password', type: 'password', label: 'admin.f.password', requiredOnCreate: true, hint: 'admin.h.password' },
      { key: 'roles', type: 'roles', label: 'admin.f.roles', options: ROLES },
      { key: 'agent_id', type: 'select', label: 'admin.f.agentLink', options: 'agents', hint: 'admin.h.agentLink' },
    ],
    readOnly: ['id', 'created_at'],
    advanced: false,
    columns: ['username', 'roles', 'agent_id'],
    idOf: (o) => String(o.id ?? ''),
    // No agent chosen means "not linked": send null so an edit can unlink.
    collapse: (o) => ({ agent_id: null, ...o }),
  },
};
