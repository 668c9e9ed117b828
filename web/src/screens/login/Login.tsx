// The login screen: username and password, the server's message shown next to the field it
// names (or above the form), and the language switcher before signing in.
import { useState } from 'preact/hooks';
import { login } from '../../api/endpoints';
import { ApiError } from '../../api/errors';
import { t } from '../../i18n';
import { startSession } from '../../state/session';
import { LocaleSwitcher } from '../../app/Header';
import { TextField } from '../../app/TextField';

export function loginErrorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'network') return t('error.network');
    if (err.status === 429) return t('login.throttled');
    return err.message;
  }
  return t('error.generic', { message: String(err) });
}

export function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; field: string | null } | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!username || !password) {
      setError({ text: t('login.required'), field: username ? 'password' : 'username' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await login(username, password);
      startSession({ token: answer.token, user: answer.user });
    } catch (err) {
      setError({ text: loginErrorText(err), field: err instanceof ApiError ? err.field : null });
      setBusy(false);
    }
  };

  const fieldMsg = (field: string) => (error && error.field === field ? error.text : null);

  return (
    <main class="login" id="main">
      <form class="login-form card" onSubmit={submit} data-testid="login-form" noValidate>
        <div class="login-head">
          <h1>{t('app.title')}</h1>
          <LocaleSwitcher />
        </div>
        <h2>{t('login.title')}</h2>
        {error && error.field !== 'username' && error.field !== 'password' ? (
          <p class="notice error" role="alert" data-testid="login-error">{error.text}</p>
        ) : null}
        <TextField
          label={t('login.username')}
          name="username"
          autoComplete="username"
          autoFocus
          value={username}
          onValue={setUsername}
          error={fieldMsg('username')}
          testid="login-username"
          errorTestid="login-error"
        />
        <TextField
          label={t('login.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          error={fieldMsg('password')}
          testid="login-password"
          errorTestid="login-error"
        />
        <button type="submit" class="primary" disabled={busy} data-testid="login-submit">
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
