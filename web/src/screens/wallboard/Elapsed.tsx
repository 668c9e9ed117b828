// Time elapsed since an instant, ticking: reading serverNow() subscribes only this component.
import { t } from '../../i18n';
import { formatDuration } from '../../i18n/format';

export function Elapsed({ since, serverNow }: { since: number; serverNow: () => number }) {
  return <>{since ? formatDuration((serverNow() - since) / 1000) : t('common.none')}</>;
}
