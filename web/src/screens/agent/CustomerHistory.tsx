// The customer's past interactions (GET /interactions?customer=…), newest first.
import { useEffect, useState } from 'preact/hooks';
import { customerHistory } from '../../api/endpoints';
import type { Interaction } from '../../api/types';
import { formatDateTime } from '../../i18n/format';
import { locale, t } from '../../i18n';
import { channelLabel, customerKey } from './labels';

const SHOWN = 10;

export function CustomerHistory({ customer, current }: { customer: Record<string, string>; current: number }) {
  const key = customerKey(customer);
  const [rows, setRows] = useState<Interaction[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!key) return;
    let live = true;
    customerHistory(key, SHOWN + 1).then(
      (r) => live && setRows(r.interactions.filter((i) => i.id !== current).slice(0, SHOWN)),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [key, current]);
  let body;
  if (!key) body = <p class="muted">{t('history.noCustomer')}</p>;
  else if (error) body = <p class="muted">{t('history.unavailable', { message: error })}</p>;
  else if (!rows) body = <p class="muted">{t('app.loading')}</p>;
  else if (!rows.length) body = <p class="muted" data-testid="history-empty">{t('history.none')}</p>;
  else
    body = (
      <ul class="history-list">
        {rows.map((i) => (
          <li key={i.id} data-testid="history-row" data-interaction={i.id}>
            <span>{formatDateTime(i.created_at, locale.value)}</span> · <span>{channelLabel(i.channel)}</span> · <span>{i.queue}</span>
            {i.disposition ? <> · <strong>{i.disposition}</strong></> : null}
            {i.notes ? <div class="muted">{i.notes}</div> : null}
          </li>
        ))}
      </ul>
    );
  return (
    <details class="history" open data-testid="customer-history">
      <summary>{t('history.title')}</summary>
      {body}
    </details>
  );
}
