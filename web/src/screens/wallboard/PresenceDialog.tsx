// Changes an agent's presence, with a reason for "not ready" (POST /agents/{id}/presence).
import type { Signal } from '@preact/signals';
import { useState } from 'preact/hooks';
import { setPresence } from '../../api/endpoints';
import type { Presence } from '../../api/types';
import { t } from '../../i18n';
import type { WallboardState } from '../../state/wallboard';
import { Modal } from './Modal';
import { codeLabel, errorText } from './text';

const PRESENCES: Presence[] = ['ready', 'not_ready', 'logged_out'];
const REASONS = ['break', 'lunch', 'training', 'meeting'];

interface Props {
  agentId: string;
  state: Signal<WallboardState | null>;
  onClose: () => void;
}

export function PresenceDialog({ agentId, state, onClose }: Props) {
  const agent = state.value?.agents.get(agentId);
  const [presence, setP] = useState<Presence>((agent?.presence as Presence) ?? 'ready');
  const [reason, setReason] = useState(agent?.reason || REASONS[0]!);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!agent) return null;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await setPresence(agentId, presence, presence === 'not_ready' ? reason : undefined);
      onClose();
    } catch (err) {
      setError(t('wb.presenceFailed', { message: errorText(err) }));
      setBusy(false);
    }
  };

  return (
    <Modal title={t('wb.changePresenceOf', { agent: agent.name })} testid="wb-presence-dialog" onClose={onClose}>
      <form onSubmit={submit}>
        <p class="muted">
          {t('wb.now', { presence: codeLabel('presence.', agent.presence) })}
        </p>
        <fieldset>
          <legend>{t('presence.label')}</legend>
          {PRESENCES.map((p) => (
            <label key={p} class="wb-choice">
              <input type="radio" name="presence" value={p} checked={presence === p} onChange={() => setP(p)} data-testid={`wb-presence-${p}`} />
              {' '}{codeLabel('presence.', p)}
            </label>
          ))}
        </fieldset>
        {presence === 'not_ready' && (
          <label>
            {t('presence.reason')}{' '}
            <select value={reason} onChange={(e) => setReason((e.target as HTMLSelectElement).value)} data-testid="wb-presence-reason">
              {REASONS.map((r) => <option key={r} value={r}>{codeLabel('reason.', r)}</option>)}
            </select>
          </label>
        )}
        {error && <p class="field-error" role="alert" data-testid="wb-presence-error">{error}</p>}
        <div class="wb-actions">
          <button type="submit" class="primary" disabled={busy} data-testid="wb-presence-apply">{t('wb.apply')}</button>
          <button type="button" onClick={onClose} data-testid="wb-presence-cancel">{t('wb.cancel')}</button>
        </div>
      </form>
    </Modal>
  );
}
