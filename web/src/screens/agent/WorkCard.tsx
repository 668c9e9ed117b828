// An interaction the agent holds: channel, queue, customer, attributes, wait and talk time, its
// customer's history; End while connected, the wrap-up form after.
import { useEffect, useState } from 'preact/hooks';
import { endInteraction, getInteraction } from '../../api/endpoints';
import type { Disposition, Interaction } from '../../api/types';
import { formatDuration, secondsSince } from '../../i18n/format';
import { t } from '../../i18n';
import type { Work } from '../../state/agent_desk';
import { CustomerHistory } from './CustomerHistory';
import { WrapupForm } from './WrapupForm';
import { attributesText, channelLabel, customerText } from './labels';

interface Props {
  work: Work;
  dispositions: Disposition[];
  wrapupLimitS: (queue: string | null) => number | null;
  serverNow: number;
}

export function WorkCard({ work, dispositions, wrapupLimitS, serverNow }: Props) {
  const [details, setDetails] = useState<Interaction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ending, setEnding] = useState(false);
  useEffect(() => {
    let live = true;
    getInteraction(work.interaction).then(
      (i) => live && setDetails(i),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [work.interaction, work.phase]);
  const end = () => {
    setEnding(true);
    setError(null);
    endInteraction(work.interaction)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setEnding(false));
  };
  const connectedAt = work.connectedAt ?? details?.connected_at ?? null;
  const wrapupAt = work.wrapupAt ?? details?.wrapup_at ?? null;
  const queue = work.queue ?? details?.queue ?? null;
  const waitS = work.waitS ?? details?.wait_s ?? null;
  const talkEnd = work.phase === 'wrapup' && wrapupAt ? Date.parse(wrapupAt) : serverNow;
  return (
    <article class={`work card phase-${work.phase}`} data-testid="work-card" data-interaction={work.interaction} data-phase={work.phase}>
      <h3>
        {t('work.interaction', { id: work.interaction })} · {channelLabel(details?.channel ?? null)}
        {work.phase === 'wrapup' ? <span class="badge phase">{t('wrapup.title')}</span> : null}
      </h3>
      {error ? <p class="notice error" role="alert" data-testid="work-error">{t('work.detailsFailed', { message: error })}</p> : null}
      <dl class="facts">
        <dt>{t('work.queue')}</dt><dd data-testid="work-queue">{queue ?? t('common.none')}</dd>
        <dt>{t('work.customer')}</dt><dd data-testid="work-customer">{details ? customerText(details.customer) : '…'}</dd>
        <dt>{t('work.attributes')}</dt><dd data-testid="work-attributes">{details ? attributesText(details.attributes) : '…'}</dd>
        <dt>{t('work.waited')}</dt><dd data-testid="work-wait">{waitS === null ? t('common.none') : formatDuration(waitS)}</dd>
        <dt>{t('work.talking')}</dt>
        <dd data-testid="work-talk-time">{connectedAt ? formatDuration(secondsSince(connectedAt, talkEnd)) : t('common.none')}</dd>
      </dl>
      {work.phase === 'connected' ? (
        <button type="button" class="primary" disabled={ending} onClick={end} data-testid="work-end">{t('work.end')}</button>
      ) : (
        <WrapupForm
          interaction={work.interaction}
          wrapupAt={wrapupAt}
          limitS={wrapupLimitS(queue)}
          dispositions={dispositions}
          serverNow={serverNow}
        />
      )}
      {details ? <CustomerHistory customer={details.customer} current={work.interaction} /> : null}
    </article>
  );
}
