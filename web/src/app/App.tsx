// The shell: login when there is no session; otherwise the header and the routed screen,
// limited to what the user's roles open.
import { useEffect } from 'preact/hooks';
import { t } from '../i18n';
import { Login } from '../screens/login/Login';
import { canOpen, homeScreen } from '../state/roles';
import { session } from '../state/session';
import { Header } from './Header';
import { LazyScreen } from './Lazy';
import { navigate, route } from './router';
import { SCREEN_LOADERS } from './screens';

export function App() {
  const s = session.value;
  const r = route.value;
  const home = s ? homeScreen(s.user.roles) : null;
  const needsRedirect = s !== null && home !== null && (r.screen === null || r.screen === 'login');
  useEffect(() => {
    if (needsRedirect && home) navigate(home);
  }, [needsRedirect, home]);

  if (!s) return <Login />;
  const screen = r.screen === 'login' ? null : r.screen;
  let body;
  if (home === null) body = <p class="notice" data-testid="no-screens">{t('app.noScreens')}</p>;
  else if (screen === null) body = null;
  else if (!canOpen(screen, s.user.roles)) body = <p class="notice" data-testid="not-allowed">{t('app.notAllowed')}</p>;
  else body = <LazyScreen load={SCREEN_LOADERS[screen]} props={{ session: s, rest: r.rest }} />;
  return (
    <>
      <Header session={s} current={screen} />
      <main class="app-main" id="main">{body}</main>
    </>
  );
}
