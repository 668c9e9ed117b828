// One function per API route the UI uses (docs/api.md).
import { request } from './client';
import type {
  Agent, CenterInfo, Disposition, EventPage, Interaction, LoginAnswer, Offer, Presence, Queue, QueueStats, User, WaitingInteraction,
} from './types';

const enc = encodeURIComponent;

export const login = (username: string, password: string) =>
  request<LoginAnswer>('/login', { method: 'POST', body: { username, password } });
export const logout = () => request<void>('/logout', { method: 'POST' });
export const me = () => request<User>('/me');
export const center = () => request<CenterInfo>('/center');

export const getAgent = (id: string) => request<Agent>(`/agents/${enc(id)}`);
export const listAgents = () => request<{ agents: Agent[]; as_of_seq: number }>('/agents');
export const setPresence = (id: string, presence: Presence, reason?: string) =>
  request<{ agent: string; presence: Presence; routing_state: string }>(`/agents/${enc(id)}/presence`, {
    method: 'POST',
    body: reason ? { presence, reason } : { presence },
  });
export const agentOffers = (id: string) => request<{ offers: Offer[] }>(`/agents/${enc(id)}/offers`);

export const acceptOffer = (id: number) => request<{ offer: number; state: string }>(`/offers/${id}/accept`, { method: 'POST' });
export const rejectOffer = (id: number, reason: 'declined' | 'busy' = 'declined') =>
  request<{ offer: number; state: string }>(`/offers/${id}/reject`, { method: 'POST', body: { reason } });

export const getInteraction = (id: number) => request<Interaction>(`/interactions/${id}`);
export const customerHistory = (customer: string, limit = 20) =>
  request<{ interactions: Interaction[] }>('/interactions', { query: { customer, limit } });
export const waitingInteractions = (queue?: string) =>
  request<{ interactions: WaitingInteraction[]; as_of_seq: number }>('/interactions', {
    query: { state: 'waiting', queue },
  });
export const endInteraction = (id: number) => request<{ id: number; state: string }>(`/interactions/${id}/end`, { method: 'POST' });
export const wrapUp = (id: number, disposition: string, notes: string) =>
  request<{ id: number; state: string }>(`/interactions/${id}/wrapup`, { method: 'POST', body: { disposition, notes } });

export const listDispositions = () => request<{ dispositions: Disposition[] }>('/dispositions');
export const listQueues = () => request<{ queues: Queue[] }>('/queues');
export const getQueue = (id: string) => request<Queue>(`/queues/${enc(id)}`);
export const queueStats = (id: string) => request<QueueStats>(`/queues/${enc(id)}/stats`);
export const events = (after: number, limit = 1000) => request<EventPage>('/events', { query: { after, limit } });
