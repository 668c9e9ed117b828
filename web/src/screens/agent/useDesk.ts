// The desktop's live data: the agent record with the interactions it holds (GET /agents/{id}), its
// pending offers (GET /agents/{id}/offers), and the stream opened at the record's `as_of_seq` so
// its events fold on top with nothing skipped or repeated (state/agent_desk.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import { signal } from '@preact/signals';
import { agentOffers, getAgent } from '../../api/endpoints';
import type { Agent, LogEvent } from '../../api/types';
import { useStream } from '../../app/useStream';
import { applyEvents, fromAgentRecord, initialDesk, mergeOffers, touchesOffers } from '../../state/agent_desk';
import { ServerClock } from '../../state/server_clock';

/** Events after which the agent record (load per channel, handled count) is read again. */
const AGENT_EVENTS = new Set(['agent.routing_state_changed', 'interaction.connected', 'interaction.completed']);

/** Runs `load` now, or once more after the run in flight (so a burst costs at most two reads). */
function singleFlight(load: () => Promise<unknown>): () => void {
  let running = false;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void load().finally(() => {
      running = false;
      if (again) {
        again = false;
        run();
      }
    });
  };
  return run;
}

export function useDesk(agentId: string) {
  const r = useRef<ReturnType<typeof create> | null>(null);
  if (!r.current || r.current.agentId !== agentId) r.current = create(agentId);
  const d = r.current;
  // Where the stream starts: the first record's as_of_seq (0, the whole log, if it has none).
  const [after, setAfter] = useState<number | null>(null);
  useEffect(() => {
    setAfter(null);
    // Without a record (the read failed) the stream replays the agent's events from the start.
    void d.loadAgent().then((a) => setAfter(a?.as_of_seq ?? 0));
    d.refreshOffers();
    return () => d.dispose();
  }, [d]);
  const status = useStream(after, d.onEvents, after !== null);
  return { ...d, status };
}

function create(agentId: string) {
  const desk = signal(initialDesk(agentId));
  const agent = signal<Agent | null>(null);
  const error = signal<unknown>(null);
  const clock = new ServerClock();
  let live = true;

  const loadAgent = (): Promise<Agent | null> =>
    getAgent(agentId).then(
      (a) => {
        if (!live) return null;
        agent.value = a;
        desk.value = fromAgentRecord(desk.value, a);
        error.value = null;
        return a;
      },
      (e: unknown) => {
        if (live) error.value = e;
        return null;
      },
    );
  const loadOffers = () => {
    const asked = desk.value.seq;
    return agentOffers(agentId).then(
      (r) => live && (desk.value = mergeOffers(desk.value, r.offers, asked)),
      () => {}, // The stream still shows offers, without details; the next event retries.
    );
  };
  const refreshAgent = singleFlight(loadAgent);
  const refreshOffers = singleFlight(loadOffers);

  const onEvents = (events: LogEvent[]) => {
    const arrived = Date.now();
    for (const e of events) clock.observe(e.at, arrived);
    desk.value = applyEvents(desk.value, events);
    if (events.some(touchesOffers)) refreshOffers();
    if (events.some((e) => AGENT_EVENTS.has(e.type) && e.data.agent === agentId)) refreshAgent();
  };

  return {
    agentId, desk, agent, error, clock, onEvents, loadAgent, refreshAgent, refreshOffers,
    dispose: () => {
      live = false;
    },
  };
}
