// Wrap-up: a required disposition and notes; the wrap-up timer (and what is left of the queue's
// wrap-up time when the queue sets one) stays visible.
import { useState } from 'preact/hooks';
import { wrapUp } from '../../api/endpoints';
import { ApiError, fieldError } from '../../api/errors';
import type { Disposition } from '../../api/types';
import { formatDuration, secondsSince } from '../../i18n/format';
import { t } from '../../i18n';

export const NOTES_MAX = 2000;

interface Props {
  interaction: number;
  wrapupAt: string | null;
  limitS: number | null;
  dispositions: Disposition[];
  serverNow: number;
}

export function WrapupForm({ interaction, wrapupAt, limitS, dispositions, serverNow }: Props) {
  const [disposition, setDisposition] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const elapsed = wrapupAt ? secondsSince(wrapupAt, serverNow) : 0;
  const submit = (e: Event) => {
    e.preventDefault();
    if (!disposition) {
      setError(new ApiError(400, 'invalid_argument', t('wrapup.required'), 'disposition'));
      return;
    }
    setBusy(true);
    setError(null);
    // Success shows as interaction.completed on the stream, which removes this card.
    wrapUp(interaction, disposition, notes).catch((err: unknown) => {
      setError(err);
      setBusy(false);
    });
  };
  const dispErr = fieldError(error, 'disposition');
  const notesErr = fieldError(error, 'notes');
  const otherErr = error && !dispErr && !notesErr ? (error instanceof Error ? error.message : String(error)) : null;
  const idBase = `wrapup-${interaction}`;
  return (
    <form class="wrapup" onSubmit={submit} data-testid="wrapup-form" noValidate>
      <div class="wrapup-timer" data-testid="wrapup-timer" data-seconds={Math.floor(elapsed)}>
        {t('wrapup.elapsed')}: <strong>{formatDuration(elapsed)}</strong>
        {limitS ? <span class="muted"> · {t('wrapup.remaining', { time: formatDuration(limitS - elapsed) })}</span> : null}
      </div>
      {otherErr ? <p class="notice error" role="alert" data-testid="wrapup-error">{otherErr}</p> : null}
      <label>
        {t('wrapup.disposition')} *
        <select
          required
          value={disposition}
          onChange={(e) => {
            setDisposition((e.currentTarget as HTMLSelectElement).value);
            if (dispErr) setError(null);
          }}
          aria-invalid={!!dispErr}
          aria-describedby={dispErr ? `${idBase}-disp-error` : undefined}
          data-testid="wrapup-disposition"
        >
          <option value="">{t('wrapup.choose')}</option>
          {dispositions.map((d) => (
            <option key={d.id} value={d.id}>{d.name ?? d.id}</option>
          ))}
        </select>
        {dispErr ? <span class="field-error" id={`${idBase}-disp-error`} role="alert" data-testid="wrapup-error">{dispErr}</span> : null}
      </label>
      <label>
        {t('wrapup.notes')}
        <textarea
          rows={3}
          maxLength={NOTES_MAX}
          value={notes}
          onInput={(e) => setNotes((e.currentTarget as HTMLTextAreaElement).value)}
          aria-invalid={!!notesErr}
          data-testid="wrapup-notes"
        />
        {notesErr ? <span class="field-error" role="alert" data-testid="wrapup-error">{notesErr}</span> : null}
      </label>
      <button type="submit" class="primary" disabled={busy} data-testid="wrapup-submit">{t('wrapup.submit')}</button>
    </form>
  );
}
