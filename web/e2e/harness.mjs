// The end-to-end harness: a real `hotline serve` per test (a free loopback port, a fresh data
// directory, the bundled demo center) and Debian's Chromium, headless, driven by playwright-core.
// Everything started here is stopped by the test's own cleanup, on failure too, and killed when
// the test process exits. Waits are for conditions with deadlines, never for a fixed time.
//
// Environment (set by the ctest entry `e2e.web`, tests/e2e/CMakeLists.txt):
//   HOTLINE_BIN      the hotline program (default: build/src/cli/hotline)
//   HOTLINE_SCREENS  where screenshots go (default: build/test-artifacts/screens)
//   CHROMIUM         the browser (default: /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const hotlineBin = process.env.HOTLINE_BIN ?? path.join(root, 'build/src/cli/hotline');
export const screensDir = process.env.HOTLINE_SCREENS ?? path.join(root, 'build/test-artifacts/screens');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The browser's flags, exactly: Playwright adds none of its own (ignoreDefaultArgs) but the pipe
// it talks over, headless mode and a new empty profile.
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const VIEWPORT = { width: 1280, height: 720 };
// How long any one condition may take before the test fails (a loaded 2-core machine included).
export const DEADLINE_MS = 15_000;

const running = new Set(); // child processes to kill if the test process exits first
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
// Stopped from outside (ctest's timeout, Ctrl-C): exit, so the handler above ends the children.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));

/** Resolves once `condition()` returns a truthy value (which it returns); throws past the deadline. */
export async function waitUntil(what, condition, deadlineMs = DEADLINE_MS) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function readText(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Starts `hotline serve` on 127.0.0.1, port 0, in a new temporary directory. Returns
 * { url, adminPassword, api(method, path, body?, token?), login(user, password), stop() }.
 */
export async function startCenter() {
  if (!existsSync(hotlineBin)) throw new Error(`no hotline program at ${hotlineBin}: build it (bash scripts/build.sh)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'hotline-e2e-'));
  const data = path.join(dir, 'data');
  const ready = path.join(dir, 'ready');
  const child = spawn(hotlineBin, ['serve', '--data', data, '--http', '127.0.0.1:0', '--ready-file', ready], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  let exited = null;
  const exit = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      exited = { code, signal };
      resolve(exited);
    }),
  );

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
    return exited;
  };

  try {
    const endpoint = await waitUntil('hotline serve to listen', () => {
      if (exited) throw new Error(`hotline serve exited (${exited.code ?? exited.signal}):\n${log}`);
      const m = /^http=(.+):(\d+)\n$/.exec(readText(ready));
      return m && { host: m[1], port: Number(m[2]) };
    });
    const url = `http://${endpoint.host}:${endpoint.port}`;
    const adminPassword = readText(path.join(data, 'initial-admin-password')).trim();
    if (!adminPassword) throw new Error('no initial-admin-password in the data directory');

    const api = async (method, target, body, token) => {
      const headers = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token) headers.authorization = `Bearer ${token}`;
      const r = await fetch(url + target, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON: the caller looks at the text
      }
      return { status: r.status, json, text };
    };
    const login = async (username, password) => {
      const r = await api('POST', '/api/v1/login', { username, password });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
      return r.json.token;
    };
    return { url, adminPassword, api, login, stop, log: () => log };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Launches Chromium, headless, with exactly CHROMIUM_FLAGS and a new empty profile. */
export async function launchBrowser() {
  const profile = mkdtempSync(path.join(tmpdir(), 'hotline-e2e-chromium-'));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    ignoreDefaultArgs: true,
    args: ['--headless', '--remote-debugging-pipe', `--user-data-dir=${profile}`, ...CHROMIUM_FLAGS, 'about:blank'],
    timeout: DEADLINE_MS * 2,
  });
  return {
    browser,
    /** A new page at VIEWPORT whose browser language is `locale` ('en', 'zh-TW', 'zh-CN'). */
    async newPage(locale = 'en') {
      const context = await browser.newContext({ viewport: VIEWPORT, locale });
      context.setDefaultTimeout(DEADLINE_MS);
      return context.newPage();
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves what the page shows as SCREENS/<name>.png (a stable name per screen and language). */
export async function screenshot(page, name) {
  mkdirSync(screensDir, { recursive: true });
  await page.screenshot({ path: path.join(screensDir, `${name}.png`) });
}

/** Opens the UI at `center` and signs in through the login form. */
export async function signIn(page, center, username, password) {
  await page.goto(center.url + '/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('app-header').waitFor();
}

/** The font families Chromium drew the text of the first element matching `selector` with. */
export async function platformFonts(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => f.familyName);
  } finally {
    await cdp.detach();
  }
}
