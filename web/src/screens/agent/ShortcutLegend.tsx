// The list of keyboard shortcuts, shown on the desktop.
import { t } from '../../i18n';
import { SHORTCUT_KEYS } from '../../state/shortcuts';

export function ShortcutLegend() {
  return (
    <section class="card shortcuts" aria-label={t('shortcuts.title')} data-testid="shortcut-legend">
      <h3>{t('shortcuts.title')}</h3>
      <ul>
        <li><kbd>{SHORTCUT_KEYS.accept}</kbd> {t('shortcuts.accept')}</li>
        <li><kbd>{SHORTCUT_KEYS.reject}</kbd> {t('shortcuts.reject')}</li>
        <li><kbd>{SHORTCUT_KEYS.ready}</kbd> {t('shortcuts.ready')}</li>
      </ul>
    </section>
  );
}
