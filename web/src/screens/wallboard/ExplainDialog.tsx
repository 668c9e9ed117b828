// "Why not routed?": for a waiting interaction, each agent and why it does (not) take it now
// (GET /interactions/{id}/explain), reasons translated, counted by reason, most telling first.
import type { Signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { locale, t } from '../../i18n';
import { formatTime } from '../../i18n/format';
import type { WallboardState } from '../../state/wallboard';
import { explainInteraction, type Explanation } from './api';
import { Modal } from './Modal';
import { codeLabel, errorText } from './text';

/** Reasons in the order a supervisor looks for them: who could take it, then why others cannot. */
const ORDER = [
  'eligible', 'offered', 'no_capacity', 'not_ready', 'backoff', 'logged_out', 'ring_not_open', 'profile_delay',
  'known_agent_only', 'requirement_not_met', 'no_channel', 'excluded', 'not_member',
];
const rank = (r: string) => (ORDER.includes(r) ? ORDER.indexOf(r) : ORDER.length);
const SHOWN = 200;

interface Props {
  id: number;
  state: Signal<WallboardState | null>;
  onClose: () => void;
}

export function ExplainDialog({ id, state, onClose }: Props) {
  const [answer, setAnswer] = useState<Explanation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    explainInteraction(id).then(
      (a) => live && setAnswer(a),
      (e: unknown) => live && setError(t('wb.explain.failed', { message: errorText(e) })),
    );
    return () => void (live = false);
  }, [id, asked]);

  const now = state.peek();
  const agents = now?.agents;
  const queueName = (id: string) => now?.queues.find((q) => q.id === id)?.name ?? id;
  const candidates = answer ? [...answer.candidates].sort((a, b) => rank(a.reason) - rank(b.reason) || a.agent.localeCompare(b.agent)) : [];
  const counts = new Map<string, number>();
  for (const c of candidates) counts.set(c.reason, (counts.get(c.reason) ?? 0) + 1);

  return (
    <Modal title={t('wb.explain.title', { id })} testid="wb-explain-dialog" onClose={onClose}>
      {error && <p class="field-error" role="alert" data-testid="wb-explain-error">{error}</p>}
      {!answer && !error && <p>{t('app.loading')}</p>}
      {answer && (
        <>
          <p data-testid="wb-explain-state">
            {t('wb.explain.state', { state: codeLabel('istate.', answer.state), queue: queueName(answer.queue), step: answer.step + 1 })}
          </p>
          <ul class="wb-explain-summary" data-testid="wb-explain-summary">
            {[...counts].map(([reason, n]) => (
              <li key={reason} data-reason={reason}>{codeLabel('why.', reason)}: <strong>{n}</strong></li>
            ))}
          </ul>
          {candidates.length === 0 && <p data-testid="wb-explain-none">{t('wb.explain.none')}</p>}
          <div class="wb-explain-table">
            <table data-testid="wb-explain-table">
              <thead>
                <tr><th scope="col">{t('wb.col.agent')}</th><th scope="col">{t('wb.explain.reason')}</th><th scope="col">{t('wb.explain.detail')}</th></tr>
              </thead>
              <tbody>
                {candidates.slice(0, SHOWN).map((c) => (
                  <tr key={c.agent} data-testid="wb-explain-row" data-reason={c.reason}>
                    <td>{agents?.get(c.agent)?.name ?? c.agent} <small class="muted">{c.agent}</small></td>
                    <td>{codeLabel('why.', c.reason)}</td>
                    <td>
                      {c.detail ?? ''}
                      {c.until ? ` ${t('wb.explain.until', { time: formatTime(c.until, locale.value) })}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {candidates.length > SHOWN && <p class="muted">{t('wb.more', { count: candidates.length - SHOWN })}</p>}
        </>
      )}
      <div class="wb-actions">
        <button type="button" onClick={() => setAsked(asked + 1)} data-testid="wb-explain-refresh">{t('wb.explain.again')}</button>
        <button type="button" class="primary" onClick={onClose} data-testid="wb-explain-close">{t('wb.close')}</button>
      </div>
    </Modal>
  );
}
