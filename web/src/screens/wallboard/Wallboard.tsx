// Placeholder: the wallboard screen is built by another engineer on this foundation.
import { t } from '../../i18n';
import type { ScreenProps } from '../../app/screens';

export default function Wallboard(_props: ScreenProps) {
  return <p class="notice" data-testid="wallboard-placeholder">{t('app.notBuilt')}</p>;
}
