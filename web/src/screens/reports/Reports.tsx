// Placeholder: the reports screen is built by another engineer on this foundation.
import { t } from '../../i18n';
import type { ScreenProps } from '../../app/screens';

export default function Reports(_props: ScreenProps) {
  return <p class="notice" data-testid="reports-placeholder">{t('app.notBuilt')}</p>;
}
