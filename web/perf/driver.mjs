// The wallboard's load: interactions created at a steady rate into random queues, answered by
// the agents they are offered to (accept after 0.5–2.5 s, end after 2–6 s, wrap up after 0.5–1.5 s),
// some abandoned while waiting. Every request goes to the API on loopback; offers are found by
// reading the event log (GET /events), as any integration would. Bounded: it stops at `until`.
import { agentId, queueId } from './center.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const between = (lo, hi) => lo + Math.random() * (hi - lo);

export function apiClient(url, token) {
  return async (method, path, body) => {
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${url}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : null };
  };
}

/** Sets agents ready, `width` requests at once; skips the ones in `skip`. */
export async function allReady(api, agents, skip = new Set(), width = 16) {
  const ids = Array.from({ length: agents }, (_, i) => agentId(i)).filter((id) => !skip.has(id));
  for (let i = 0; i < ids.length; i += width) {
    await Promise.all(ids.slice(i, i + width).map((id) => api('POST', `/agents/${id}/presence`, { presence: 'ready' })));
  }
}

/**
 * Drives the center until `until` (epoch ms): `perSecond` creates a second over `queues` queues.
 * Returns counters once every started conversation is finished or the deadline passed.
 */
export async function drive(api, { perSecond, queues, until, abandonShare = 0.05 }) {
  const counts = { created: 0, accepted: 0, completed: 0, abandoned: 0, errors: 0, events: 0 };
  let after = (await api('GET', '/events?after=0&limit=1')).json.next;
  const head = await api('GET', `/events?after=${after}&limit=1000`);
  after = head.json.next || after;
  const tasks = new Set();
  const track = (p) => {
    tasks.add(p);
    p.catch(() => counts.errors++).finally(() => tasks.delete(p));
  };
  const ok = (r) => {
    if (r.status >= 300 && r.status !== 409) counts.errors++;
    return r;
  };

  const answer = async (offer, interaction) => {
    await sleep(between(500, 2500));
    if ((await api('POST', `/offers/${offer}/accept`)).status !== 200) return;
    counts.accepted++;
    await sleep(between(2000, 6000));
    ok(await api('POST', `/interactions/${interaction}/end`));
    await sleep(between(500, 1500));
    if (ok(await api('POST', `/interactions/${interaction}/wrapup`, { disposition: 'resolved', notes: '' })).status === 200) counts.completed++;
  };

  const watch = (async () => {
    while (Date.now() < until) {
      const page = await api('GET', `/events?after=${after}&limit=1000`);
      if (page.status === 200 && page.json.events.length) {
        after = page.json.next;
        counts.events += page.json.events.length;
        for (const e of page.json.events) {
          if (e.type === 'interaction.offered' && Date.now() < until - 10_000) track(answer(e.data.offer, e.data.interaction));
        }
      }
      await sleep(200);
    }
  })();

  const start = Date.now();
  let made = 0;
  while (Date.now() < until - 10_000) {
    const due = Math.floor(((Date.now() - start) / 1000) * perSecond);
    for (; made < due; made++) {
      const queue = queueId(Math.floor(Math.random() * queues));
      track((async () => {
        const r = ok(await api('POST', '/interactions', { channel: 'voice', queue, customer: { phone: `+8869${String(made).padStart(8, '0')}` } }));
        if (r.status !== 201) return;
        counts.created++;
        if (Math.random() < abandonShare) {
          await sleep(between(200, 2000));
          if ((await api('POST', `/interactions/${r.json.id}/cancel`, { reason: 'abandoned' })).status === 200) counts.abandoned++;
        }
      })());
    }
    await sleep(50);
  }
  await watch;
  await Promise.race([Promise.allSettled([...tasks]), sleep(Math.max(0, until - Date.now()))]);
  return counts;
}
