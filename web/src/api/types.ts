// Shapes of the API's answers (docs/api.md; GET /api/v1/openapi.json). Only the fields the UI
// reads are typed; the server may send more.

export type Role = 'admin' | 'supervisor' | 'agent' | 'analyst';
export type Channel = 'voice' | 'chat' | 'email' | 'callback' | 'task';
export type Presence = 'ready' | 'not_ready' | 'logged_out';

export interface User {
  id: number;
  username: string;
  roles: Role[];
  agent_id: string | null;
}

export interface LoginAnswer {
  token: string;
  expires_at: string;
  user: User;
}

export interface Agent {
  id: string;
  name?: string;
  skills?: Record<string, number>;
  capacity?: Partial<Record<Channel, number>>;
  user_id?: number | null;
  presence?: Presence;
  reason?: string | null;
  routing_state?: string;
  state_since?: string;
  load?: Partial<Record<Channel, number>>;
  handled?: number;
  /** When the presence last changed (null: not since the log began); state_since is the routing state's. */
  presence_since?: string | null;
  /** The interactions it holds now — connected (assigned) or in wrap-up (wrapping) — then those offered to it. */
  interactions?: HeldInteraction[];
  /** The last event this live state includes: open the stream with ?after= it (GET /agents/{id}). */
  as_of_seq?: number;
}

/** An interaction an agent holds or is offered (GET /agents/{id} `interactions`). */
export interface HeldInteraction {
  id: number;
  state: 'assigned' | 'wrapping' | 'offered';
  channel: Channel;
  queue: string;
  /** Since when it is in its state: connected, in wrap-up, or offered. */
  since: string | null;
  connected_at?: string | null;
  wait_s?: number | null;
  /** Offered ones: the offer and its deadline. */
  offer?: number;
  deadline?: string;
}

/** An interaction waiting now (GET /interactions?state=waiting), oldest first. */
export interface WaitingInteraction {
  id: number;
  state: 'queued' | 'offering';
  queue: string;
  channel: Channel;
  priority: number;
  created_at: string;
  /** Its place in line: kept when it moves between queues. */
  waiting_since: string;
  customer: Record<string, string>;
  attributes: Record<string, unknown>;
}

/** GET /center: the center's name, time zone and the defaults queues do not override. */
export interface CenterInfo {
  name: string;
  utc_offset: string;
  utc_offset_minutes: number;
  offer_timeout_s: number;
  max_missed_offers: number;
  wrapup: { mode: 'none' | 'timed' | 'discretionary'; duration_s: number };
}

export interface Offer {
  id: number;
  interaction: number;
  agent: string;
  channel: Channel;
  queue: string;
  priority: number;
  customer: Record<string, string>;
  attributes: Record<string, unknown>;
  offered_at: string;
  deadline: string;
  state: string;
}

export interface Interaction {
  id: number;
  state: string;
  channel: Channel;
  queue: string;
  entry_queue?: string;
  agent: string | null;
  priority: number;
  created_at: string;
  connected_at: string | null;
  wrapup_at: string | null;
  ended_at: string | null;
  wait_s: number | null;
  disposition: string | null;
  notes: string;
  customer: Record<string, string>;
  attributes: Record<string, unknown>;
  events?: LogEvent[];
}

export interface Disposition {
  id: string;
  name?: string;
  [key: string]: unknown;
}

export interface Queue {
  id: string;
  name?: string;
  wrapup?: { mode?: string; duration?: string | number };
  [key: string]: unknown;
}

export interface QueueStats {
  queue: string;
  at: string;
  waiting: number;
  longest_wait_s: number;
  agents_ready: number;
  agents_busy: number;
  agents_wrapup: number;
  agents_not_ready: number;
  agents_logged_in: number;
  offered: number;
  answered: number;
  abandoned: number;
  service_level: number | null;
  asa_s: number | null;
  aht_s: number | null;
  abandon_rate: number | null;
}

/** One event of the log, as in GET /events and the stream. */
export interface LogEvent {
  seq: number;
  type: string;
  at: string;
  actor: string;
  data: Record<string, unknown>;
}

export interface EventPage {
  events: LogEvent[];
  next: number;
}
