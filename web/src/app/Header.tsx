// The header: navigation by role, language switcher, user and logout.
import { logout } from '../api/endpoints';
import { LOCALES, LOCALE_NAMES, locale, setLocale, t, type Locale } from '../i18n';
import { endSession, type Session } from '../state/session';
import { screensFor, type ScreenId } from '../state/roles';
import { SCREEN_LABELS } from './screens';

export function Header({ session, current }: { session: Session; current: ScreenId | null }) {
  const screens = screensFor(session.user.roles);
  const onLogout = () => {
    logout().catch(() => {}).finally(endSession);
  };
  return (
    <header class="app-header" data-testid="app-header">
      <span class="brand">{t('app.title')}</span>
      <nav aria-label={t('nav.label')}>
        {screens.map((s) => (
          <a
            key={s}
            href={`#/${s}`}
            class={s === current ? 'active' : ''}
            aria-current={s === current ? 'page' : undefined}
            data-testid={`nav-${s}`}
          >
            {t(SCREEN_LABELS[s])}
          </a>
        ))}
      </nav>
      <span class="spacer" />
      <LocaleSwitcher />
      <span class="user" data-testid="current-user">{t('app.signedInAs', { user: session.user.username })}</span>
      <button type="button" onClick={onLogout} data-testid="logout-button">{t('app.logout')}</button>
    </header>
  );
}

export function LocaleSwitcher() {
  return (
    <label class="locale">
      <span class="sr-only">{t('app.language')}</span>
      <select
        value={locale.value}
        onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value as Locale)}
        data-testid="locale-select"
        aria-label={t('app.language')}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l}>{LOCALE_NAMES[l]}</option>
        ))}
      </select>
    </label>
  );
}
