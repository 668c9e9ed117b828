// An incoming offer: what it is, a countdown to its deadline, accept and reject.
import { formatNumber } from '../../i18n/format';
import { locale, t } from '../../i18n';
import type { DeskOffer } from '../../state/agent_desk';
import { secondsLeft } from '../../state/server_clock';
import { SHORTCUT_KEYS } from '../../state/shortcuts';
import { attributesText, channelLabel, customerText } from './labels';

interface Props {
  offer: DeskOffer;
  first: boolean;
  serverNow: number;
  busy: boolean;
  onAccept: () => void;
  onReject: () => void;
}

export function OfferCard({ offer, first, serverNow, busy, onAccept, onReject }: Props) {
  const left = offer.deadline ? secondsLeft(offer.deadline, serverNow) : null;
  const total = offer.deadline && offer.offeredAt ? (Date.parse(offer.deadline) - Date.parse(offer.offeredAt)) / 1000 : null;
  const expired = left !== null && left <= 0;
  return (
    <div class="offer card alerting" data-testid="offer-card" data-offer={offer.id} data-interaction={offer.interaction}>
      {/* Announced once; the ticking countdown stays outside the live region. */}
      <h3><span role="alert">{t('offer.incoming', { channel: channelLabel(offer.channel) })} · #{offer.interaction}</span></h3>
      <dl class="facts">
        <dt>{t('offer.queue')}</dt><dd data-testid="offer-queue">{offer.queue ?? t('common.none')}</dd>
        <dt>{t('offer.customer')}</dt><dd data-testid="offer-customer">{customerText(offer.customer)}</dd>
        <dt>{t('offer.priority')}</dt><dd>{offer.priority ?? t('common.none')}</dd>
        <dt>{t('offer.attributes')}</dt><dd>{attributesText(offer.attributes)}</dd>
      </dl>
      <div class="countdown" data-testid="offer-countdown" data-seconds={left === null ? '' : Math.ceil(left)}>
        {left === null ? '…' : expired ? t('offer.expired') : t('offer.countdown', { s: formatNumber(Math.ceil(left), locale.value, 0) })}
        {left !== null && total ? <progress max={total} value={left} aria-hidden="true" /> : null}
      </div>
      <div class="actions">
        <button type="button" class="good" disabled={busy || expired} onClick={onAccept} data-testid="offer-accept">
          {t('offer.accept')} {first ? <kbd>{SHORTCUT_KEYS.accept}</kbd> : null}
        </button>
        <button type="button" class="danger" disabled={busy || expired} onClick={onReject} data-testid="offer-reject">
          {t('offer.reject')} {first ? <kbd>{SHORTCUT_KEYS.reject}</kbd> : null}
        </button>
      </div>
    </div>
  );
}
