// The agent desktop: presence, incoming offers (sound, visual alert, countdown, accept/reject),
// the interactions the agent holds (several at once as capacity allows) with end and wrap-up,
// keyboard shortcuts.
import { useEffect, useRef, useState } from 'preact/hooks';
import { acceptOffer, listDispositions, listQueues, rejectOffer, setPresence } from '../../api/endpoints';
import type { Disposition, Queue } from '../../api/types';
import type { ScreenProps } from '../../app/screens';
import { StreamStatus } from '../../app/StreamStatus';
import { t } from '../../i18n';
import { useCenter } from '../../app/useCenter';
import { visibleOffers, wrapupLimit } from '../../state/agent_desk';
import { secondsLeft } from '../../state/server_clock';
import { shortcutFor } from '../../state/shortcuts';
import { OfferAlert } from './alert';
import { OfferCard } from './OfferCard';
import { PresenceBar } from './PresenceBar';
import { ShortcutLegend } from './ShortcutLegend';
import { useAgentId } from './useAgentId';
import { useDesk } from './useDesk';
import { useNow } from './useNow';
import { WorkCard } from './WorkCard';
import './agent.css';

const SOUND_KEY = 'hotline.sound';

export default function AgentDesktop({ session }: ScreenProps) {
  const { agentId, resolving } = useAgentId(session.user);
  if (!agentId) {
    return resolving ? <p class="notice">{t('app.loading')}</p> : <p class="notice" data-testid="agent-unlinked">{t('agent.unlinked')}</p>;
  }
  return <Desk agentId={agentId} />;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function Desk({ agentId }: { agentId: string }) {
  const d = useDesk(agentId);
  const center = useCenter();
  const now = useNow();
  const [dispositions, setDispositions] = useState<Disposition[]>([]);
  const [queues, setQueues] = useState<Queue[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busyOffer, setBusyOffer] = useState<number | null>(null);
  const [sound, setSound] = useState(() => globalThis.localStorage?.getItem(SOUND_KEY) !== 'off');
  const alert = useRef(new OfferAlert()).current;

  useEffect(() => {
    listDispositions().then((r) => setDispositions(r.dispositions), (e: unknown) => setActionError(errorText(e)));
    listQueues().then((r) => setQueues(r.queues), () => {});
    return () => alert.dispose();
  }, []);

  const desk = d.desk.value;
  const serverNow = d.clock.now(now.value);
  const offers = visibleOffers(desk.offers, serverNow);
  const liveOffers = offers.filter((o) => !o.deadline || secondsLeft(o.deadline, serverNow) > 0);
  alert.muted = !sound;
  useEffect(() => {
    alert.set(liveOffers.length > 0, t('offer.alertTitle'));
  }, [liveOffers.length > 0]);

  const run = (p: Promise<unknown>) => {
    setActionError(null);
    return p.catch((e: unknown) => setActionError(errorText(e)));
  };
  const answer = (id: number, accept: boolean) => {
    alert.unlock();
    setBusyOffer(id);
    void run(accept ? acceptOffer(id) : rejectOffer(id)).finally(() => {
      setBusyOffer(null);
      d.refreshOffers();
    });
  };

  // Shortcuts: A accept / R reject the first offer, Y ready. Read the latest state via a ref.
  const latest = useRef({ liveOffers, desk });
  latest.current = { liveOffers, desk };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const action = shortcutFor({
        key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, isComposing: e.isComposing,
        targetTag: target?.tagName ?? '', targetEditable: !!target?.isContentEditable,
      });
      if (!action || e.repeat) return;
      const first = latest.current.liveOffers[0];
      if (action === 'ready') {
        e.preventDefault();
        alert.unlock();
        if (latest.current.desk.presence !== 'ready') void run(setPresence(agentId, 'ready'));
      } else if (first) {
        e.preventDefault();
        answer(first.id, action === 'accept');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [agentId]);

  const wrapupLimitS = (queue: string | null) => wrapupLimit(queues.find((q) => q.id === queue), center.info);
  const toggleSound = () => {
    alert.unlock();
    const next = !sound;
    setSound(next);
    try {
      globalThis.localStorage?.setItem(SOUND_KEY, next ? 'on' : 'off');
    } catch {
      // Not persisted.
    }
  };
  const agent = d.agent.value;

  return (
    <div class="desk" data-testid="agent-desktop" data-agent={agentId}>
      <div class="desk-head">
        <h1 data-testid="agent-name">{t('agent.heading', { name: agent?.name ?? agentId, id: agentId })}</h1>
        <StreamStatus status={d.status} />
        <span class="spacer" />
        <button type="button" onClick={toggleSound} aria-pressed={sound} data-testid="sound-toggle">
          {sound ? t('sound.on') : t('sound.off')}
        </button>
        <button type="button" onClick={() => { alert.unlock(); alert.chime(); }} data-testid="sound-test">{t('sound.test')}</button>
      </div>
      {d.error.value ? <p class="notice error" role="alert" data-testid="desk-error">{t('agent.loadFailed', { message: errorText(d.error.value) })}</p> : null}
      {actionError ? <p class="notice error" role="alert" data-testid="action-error">{actionError}</p> : null}
      <PresenceBar desk={desk} agent={agent} serverNow={serverNow} onGesture={() => alert.unlock()} onError={(e) => setActionError(errorText(e))} />
      <div class="desk-grid">
        <section class="desk-offers" aria-label={t('offer.title')}>
          <h2>{t('offer.title')}</h2>
          {offers.length === 0 ? <p class="muted" data-testid="offer-none">{t('offer.none')}</p> : null}
          {offers.map((o, i) => (
            <OfferCard
              key={o.id}
              offer={o}
              first={i === 0}
              serverNow={serverNow}
              busy={busyOffer === o.id}
              onAccept={() => answer(o.id, true)}
              onReject={() => answer(o.id, false)}
            />
          ))}
          <ShortcutLegend />
        </section>
        <section class="desk-work" aria-label={t('work.title')}>
          <h2>{t('work.title')}</h2>
          {desk.work.length === 0 ? <p class="muted" data-testid="work-none">{t('work.none')}</p> : null}
          <div class="work-list">
            {desk.work.map((w) => (
              <WorkCard key={w.interaction} work={w} dispositions={dispositions} wrapupLimitS={wrapupLimitS} serverNow={serverNow} />
            ))}
          </div>
        </section>
      </div>
    </div>
  );
}
