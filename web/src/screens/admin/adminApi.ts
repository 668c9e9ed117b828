// The administration calls: one collection path per kind (docs/api.md), read as plain objects.
import { request } from '../../api/client';
import type { KindDef } from './kinds';

type Obj = Record<string, unknown>;
const enc = encodeURIComponent;

export async function listObjects(def: KindDef): Promise<Obj[]> {
  const answer = await request<Record<string, Obj[]>>(def.path);
  return answer[def.kind] ?? [];
}

export const getObject = (def: KindDef, id: string) => request<Obj>(`${def.path}/${enc(id)}`);

export const saveObject = (def: KindDef, id: string | null, body: Obj) =>
  id === null ? request<Obj>(def.path, { method: 'POST', body }) : request<Obj>(`${def.path}/${enc(id)}`, { method: 'PUT', body });

export const deleteObject = (def: KindDef, id: string) => request<Obj>(`${def.path}/${enc(id)}`, { method: 'DELETE' });

/** Ids of the center's skills and agents, for the form's choices. */
export async function choices(): Promise<{ skills: string[]; agents: string[] }> {
  const [s, a] = await Promise.all([request<{ skills: Obj[] }>('/skills'), request<{ agents: Obj[] }>('/agents')]);
  return { skills: s.skills.map((x) => String(x.id)), agents: a.agents.map((x) => String(x.id)) };
}
