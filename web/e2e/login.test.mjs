// Signing in: the login page in English and both Chinese scripts, a wrong password refused with
// the error shown, and the first admin (the password `hotline serve` printed) reaching the
// navigation and its first screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, platformFonts, screenshot, signIn, startCenter } from './harness.mjs';

let chromium;
before(async () => {
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
});

// A center and a page of its own for one test, both gone when it ends, passed or failed.
async function open(t, locale) {
  const center = await startCenter();
  t.after(() => center.stop());
  const page = await chromium.newPage(locale);
  t.after(() => page.context().close());
  return { center, page };
}

const LOGIN_PAGES = [
  { locale: 'en', title: 'Sign in', username: 'Username' },
  { locale: 'zh-TW', title: '登入', username: '帳號' },
  { locale: 'zh-CN', title: '登录', username: '用户名' },
];

for (const { locale, title, username } of LOGIN_PAGES) {
  test(`the login page renders in ${locale}`, async (t) => {
    const { center, page } = await open(t, locale);
    await page.goto(center.url + '/');
    await page.getByTestId('login-form').waitFor();
    assert.equal((await page.getByTestId('login-submit').textContent()).trim(), title);
    assert.equal(await page.getByLabel(username, { exact: true }).count(), 1);
    // The Chinese text is drawn with the CJK font the install script brings, not as boxes.
    if (locale !== 'en') {
      const fonts = await platformFonts(page, '[data-testid="login-submit"]');
      assert.ok(fonts.some((f) => /WenQuanYi/.test(f)), `fonts used: ${fonts.join(', ')}`);
    }
    await screenshot(page, `login-${locale}`);
  });
}

test('a wrong password is refused with the error shown', async (t) => {
  const { center, page } = await open(t, 'en');
  await page.goto(center.url + '/');
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(`not-${center.adminPassword}`);
  await page.getByTestId('login-submit').click();
  const error = page.getByTestId('login-error');
  await error.waitFor();
  assert.notEqual((await error.textContent()).trim(), '');
  assert.equal(await page.getByTestId('app-header').count(), 0);
  await screenshot(page, 'login-error-en');
});

test('the first admin signs in and sees the navigation, live', async (t) => {
  const { center, page } = await open(t, 'en');
  await signIn(page, center, 'admin', center.adminPassword);
  await page.getByTestId('nav-admin').waitFor();
  assert.equal(await page.getByTestId('nav-reports').count(), 1);
  assert.equal(await page.getByTestId('nav-agent').count(), 0, 'an admin without role agent has no desktop');
  assert.match(await page.getByTestId('current-user').textContent(), /admin/);
  // The admin lands on its first screen, loaded from the lazily fetched chunk.
  await page.getByTestId('admin-screen').waitFor();
  assert.equal(await page.getByTestId('nav-admin').getAttribute('aria-current'), 'page');
  await screenshot(page, 'home-admin-en');
});
