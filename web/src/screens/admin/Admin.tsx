// Placeholder: the admin screen is built by another engineer on this foundation.
import { t } from '../../i18n';
import type { ScreenProps } from '../../app/screens';

export default function Admin(_props: ScreenProps) {
  return <p class="notice" data-testid="admin-placeholder">{t('app.notBuilt')}</p>;
}
