// Presence with reason codes (ready; not ready: break, lunch, training, meeting; out of the
// queues), the routing state, time in state and load per channel.
import { useState } from 'preact/hooks';
import type { Agent, Channel, Presence } from '../../api/types';
import { setPresence } from '../../api/endpoints';
import { formatDuration, secondsSince } from '../../i18n/format';
import { t } from '../../i18n';
import type { DeskState } from '../../state/agent_desk';
import { SHORTCUT_KEYS } from '../../state/shortcuts';
import { channelLabel, presenceLabel, reasonLabel, routingLabel } from './labels';

export const NOT_READY_REASONS = ['break', 'lunch', 'training', 'meeting'] as const;

interface Props {
  desk: DeskState;
  agent: Agent | null;
  serverNow: number;
  onGesture: () => void;
  onError: (e: unknown) => void;
}

export function PresenceBar({ desk, agent, serverNow, onGesture, onError }: Props) {
  const [reason, setReason] = useState<string>(NOT_READY_REASONS[0]);
  const [busy, setBusy] = useState(false);
  const go = (presence: Presence, why?: string) => {
    onGesture();
    setBusy(true);
    setPresence(desk.agent, presence, why).catch(onError).finally(() => setBusy(false));
  };
  const channels = Object.keys(agent?.capacity ?? {}) as Channel[];
  return (
    <section class="presence card" aria-label={t('presence.label')} data-testid="presence-bar">
      <div class="presence-now">
        <span class={`presence-badge presence-${desk.presence}`} data-testid="presence-state" data-presence={desk.presence}>
          {presenceLabel(desk.presence)}
          {desk.presence === 'not_ready' && desk.reason ? ` · ${reasonLabel(desk.reason)}` : ''}
        </span>
        <Since at={desk.presenceSince} serverNow={serverNow} testid="presence-since" />
        <span class="muted">
          {t('routing.label')}: <span data-testid="routing-state">{routingLabel(desk.routingState)}</span>{' '}
          <Since at={desk.routingSince} serverNow={serverNow} testid="routing-since" />
        </span>
        {channels.length ? (
          <span class="muted" data-testid="capacity">
            {t('capacity.label')}:{' '}
            {channels.map((c) => `${channelLabel(c)} ${agent?.load?.[c] ?? 0}/${agent?.capacity?.[c] ?? 0}`).join(' · ')}
          </span>
        ) : null}
      </div>
      <div class="presence-actions">
        <button type="button" class="good" disabled={busy || desk.presence === 'ready'} onClick={() => go('ready')} data-testid="presence-ready">
          {t('presence.goReady')} <kbd>{SHORTCUT_KEYS.ready}</kbd>
        </button>
        <label class="inline">
          <span class="sr-only">{t('presence.reason')}</span>
          <select value={reason} onChange={(e) => setReason((e.currentTarget as HTMLSelectElement).value)} data-testid="presence-reason" aria-label={t('presence.reason')}>
            {NOT_READY_REASONS.map((r) => (
              <option key={r} value={r}>{reasonLabel(r)}</option>
            ))}
          </select>
        </label>
        <button type="button" disabled={busy} onClick={() => go('not_ready', reason)} data-testid="presence-not-ready">
          {t('presence.goNotReady')}
        </button>
        <button type="button" disabled={busy || desk.presence === 'logged_out'} onClick={() => go('logged_out')} data-testid="presence-logged-out">
          {t('presence.goLoggedOut')}
        </button>
      </div>
    </section>
  );
}

/** "for 3:05" since a server instant; nothing when unknown (the epoch means never set). */
function Since({ at, serverNow, testid }: { at: string | null; serverNow: number; testid: string }) {
  if (!at || at < '1970-01-02') return null;
  return <span class="muted" data-testid={testid}>{t('presence.since', { time: formatDuration(secondsSince(at, serverNow)) })}</span>;
}
