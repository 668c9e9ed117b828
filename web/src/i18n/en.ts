// English: the source dictionary. Its keys are the type every other language must match, so a
// missing or extra key fails `tsc`. Placeholders are written {name}.
export const en = {
  'app.title': 'Hotline',
  'app.language': 'Language',
  'app.logout': 'Log out',
  'app.loading': 'Loading…',
  'app.loadFailed': 'This screen failed to load: {message}',
  'app.notAllowed': 'Your roles do not open this screen.',
  'app.noScreens': 'Your account has no role that opens a screen here. Ask an administrator.',
  'app.notFound': 'There is no such page.',
  'app.notBuilt': 'This screen is not built yet.',
  'app.signedInAs': 'Signed in as {user}',
  'nav.label': 'Main navigation',
  'nav.agent': 'Agent desktop',
  'nav.wallboard': 'Wallboard',
  'nav.admin': 'Administration',
  'nav.reports': 'Reports',
  'stream.connecting': 'Connecting…',
  'stream.live': 'Live',
  'stream.reconnecting': 'Reconnecting…',
  'stream.closed': 'Offline',
  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.busy': 'Signing in…',
  'login.required': 'Enter your username and password.',
  'login.throttled': 'Too many attempts. Try again in a moment.',
  'error.network': 'The server cannot be reached.',
  'error.generic': 'Something went wrong: {message}',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = { readonly [K in MessageKey]: string };
