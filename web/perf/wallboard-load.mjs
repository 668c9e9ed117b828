// Measures the supervisor wallboard under load (docs/performance.md, "Web UI"):
//  - a real `hotline serve` with a generated center (AGENTS agents, QUEUES queues; center.mjs),
//  - the UI built by Vite into a temporary directory and served by `vite preview` (which proxies
//    /api and the stream to the server),
//  - a driver creating and answering interactions (driver.mjs) at about EVENTS events a second,
//  - Debian's Chromium, headless, 1280×720, signed in as a supervisor on #/wallboard.
// For MEASURE_S seconds after a WARMUP_S warm-up it records every frame (requestAnimationFrame
// deltas), long tasks (PerformanceObserver), the delay from an event's commit to the next frame
// after the wallboard applied it, and, every 2 s, the time from a presence change request to the
// first frame showing it in the grid. Prints a JSON summary. Everything it starts it stops.
//
//   cd web && HOTLINE_BIN=../build/src/cli/hotline node perf/wallboard-load.mjs
// Environment: HOTLINE_BIN, CHROMIUM (/usr/bin/chromium), AGENTS (1000), QUEUES (50),
// EVENTS (100), WARMUP_S (15), MEASURE_S (60).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { centerYaml } from './center.mjs';
import { allReady, apiClient, drive } from './driver.mjs';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = (k, d) => Number(process.env[k] ?? d);
const AGENTS = env('AGENTS', 1000);
const QUEUES = env('QUEUES', 50);
const EVENTS = env('EVENTS', 100);
const WARMUP_S = env('WARMUP_S', 15);
const MEASURE_S = env('MEASURE_S', 60);
const EVENTS_PER_INTERACTION = 11; // created, queued, offered, accepted, connected, wrap-up, completed + 4 routing states
const bin = process.env.HOTLINE_BIN ?? path.resolve(web, '../build/src/cli/hotline');
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cleanups = [];

function pct(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
}
const summary = (v) => ({ n: v.length, p50: pct(v, 50), p95: pct(v, 95), p99: pct(v, 99), max: v.length ? Math.round(Math.max(...v) * 10) / 10 : null });

async function waitFor(what, fn, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function startServer(dir) {
  const config = path.join(dir, 'hotline.yaml');
  writeFileSync(config, centerYaml({ agents: AGENTS, queues: QUEUES }));
  const ready = path.join(dir, 'ready');
  const data = path.join(dir, 'data');
  const child = spawn(bin, ['serve', '--config', config, '--data', data, '--http', '127.0.0.1:0', '--ready-file', ready], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  cleanups.push(() => child.kill('SIGTERM'));
  const addr = await waitFor('hotline serve', () => {
    if (child.exitCode !== null) throw new Error(`hotline serve exited: ${log}`);
    try {
      return /^http=(.+)\n$/.exec(readFileSync(ready, 'utf8'))?.[1];
    } catch {
      return null;
    }
  });
  return { url: `http://${addr}`, password: readFileSync(path.join(data, 'initial-admin-password'), 'utf8').trim(), pid: child.pid };
}

async function startUi(server, dir) {
  process.env.HOTLINE_API = server; // read by vite.config.ts's proxy
  const { build, preview } = await import('vite');
  const outDir = path.join(dir, 'dist');
  await build({ root: web, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const p = await preview({ root: web, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 4190, strictPort: false } });
  cleanups.push(() => p.close());
  return p.resolvedUrls.local[0].replace(/\/$/, '');
}

/** Chromium's page metrics (CDP Performance.getMetrics) as {name: value}. */
async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Main-thread CPU time and time in script, style and layout, in ms per second of measurement. */
function perSecondOf(a, b, seconds) {
  const ms = (k) => Math.round(((b[k] - a[k]) * 1000 / seconds) * 10) / 10;
  return {
    cpuMs: ms('ThreadTime'), taskMs: ms('TaskDuration'), scriptMs: ms('ScriptDuration'),
    styleMs: ms('RecalcStyleDuration'), layoutMs: ms('LayoutDuration'),
    styleRecalcs: Math.round((b.RecalcStyleCount - a.RecalcStyleCount) / seconds), layouts: Math.round((b.LayoutCount - a.LayoutCount) / seconds),
  };
}

function rssKb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  } catch {
    return null;
  }
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotline-wallboard-load-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startServer(dir);
  const ui = await startUi(server.url, dir);
  const anon = apiClient(server.url, '');
  const adminToken = (await anon('POST', '/login', { username: 'admin', password: server.password })).json.token;
  const admin = apiClient(server.url, adminToken);
  const supPassword = 'wallboard load supervisor';
  await admin('POST', '/users', { username: 'sup', password: supPassword, roles: ['supervisor'] });
  const probe = 'a0001';
  await allReady(admin, AGENTS, new Set([probe]));

  const profile = path.join(dir, 'chromium');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    ignoreDefaultArgs: true,
    args: ['--remote-debugging-pipe', `--user-data-dir=${profile}`, ...CHROMIUM_FLAGS, 'about:blank'],
  });
  cleanups.unshift(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    globalThis.__hotlineWallboardPerf = { batches: [], events: 0, statsLag: [] };
    const m = (globalThis.__measure = { on: false, frames: [], longTasks: [] });
    let last = 0;
    const tick = (t) => {
      if (m.on && last) m.frames.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new PerformanceObserver((list) => {
      if (m.on) for (const e of list.getEntries()) m.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const reads = { stats: 0, trend: 0, other: 0 };
  let measuring = false;
  page.on('request', (r) => {
    if (!measuring) return;
    const u = r.url();
    if (u.includes('/stats')) reads.stats++;
    else if (u.includes('/reports/intervals')) reads.trend++;
    else if (u.includes('/api/v1/')) reads.other++;
  });

  await page.goto(`${ui}/`);
  await page.getByTestId('login-username').fill('sup');
  await page.getByTestId('login-password').fill(supPassword);
  const loadStart = Date.now();
  await page.getByTestId('login-submit').click();
  await page.getByTestId('wallboard').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="wb-agent-row"]').first().waitFor();
  const firstLoadMs = Date.now() - loadStart;
  await page.locator('[data-testid="stream-status"][data-status="live"]').waitFor();

  const total = (WARMUP_S + MEASURE_S + 15) * 1000;
  const perSecond = EVENTS / EVENTS_PER_INTERACTION;
  const driving = drive(admin, { perSecond, queues: QUEUES, until: Date.now() + total });
  await sleep(WARMUP_S * 1000);

  const eventsBefore = await page.evaluate(() => globalThis.__hotlineWallboardPerf.events);
  await page.evaluate(() => {
    globalThis.__measure.on = true;
    globalThis.__hotlineWallboardPerf.batches.length = 0;
    globalThis.__hotlineWallboardPerf.statsLag.length = 0;
  });
  measuring = true;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metricsBefore = await metrics(cdp);
  if (process.env.PROFILE) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const t0 = Date.now();
  const presence = [];
  let next = 'not_ready';
  while (Date.now() - t0 < MEASURE_S * 1000) {
    const want = next === 'ready' ? 'Ready' : 'Not ready';
    const seen = page.evaluate(
      ([id, text]) => new Promise((resolve) => {
        const look = () => {
          const cell = document.querySelector(`[data-agent="${id}"] [data-testid="wb-agent-presence"]`);
          if (cell && cell.textContent.startsWith(text) && (text !== 'Ready' || !cell.textContent.includes('·'))) resolve(Date.now());
          else requestAnimationFrame(look);
        };
        look();
      }),
      [probe, want],
    );
    const sent = Date.now();
    await admin('POST', `/agents/${probe}/presence`, next === 'ready' ? { presence: 'ready' } : { presence: 'not_ready', reason: 'break' });
    presence.push((await seen) - sent);
    next = next === 'ready' ? 'not_ready' : 'ready';
    await sleep(2000);
  }
  const seconds = (Date.now() - t0) / 1000;
  measuring = false;
  const metricsAfter = await metrics(cdp);
  if (process.env.PROFILE) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(process.env.PROFILE, JSON.stringify(profile));
  }
  const m = await page.evaluate(() => ({
    frames: globalThis.__measure.frames,
    longTasks: globalThis.__measure.longTasks,
    batches: globalThis.__hotlineWallboardPerf.batches,
    statsLag: globalThis.__hotlineWallboardPerf.statsLag,
    events: globalThis.__hotlineWallboardPerf.events,
    heapMb: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e5) / 10 : null,
    domNodes: document.getElementsByTagName('*').length,
  }));
  await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR ?? tmpdir(), 'wallboard-load.png') });
  const counts = await driving;

  const result = {
    center: { agents: AGENTS, queues: QUEUES },
    measuredSeconds: Math.round(seconds),
    firstLoadMs,
    eventsPerSecondAtPage: Math.round(((m.events - eventsBefore) / seconds) * 10) / 10,
    frameMs: summary(m.frames),
    framesOver50ms: m.frames.filter((f) => f > 50).length,
    longTasks: { count: m.longTasks.length, totalMs: Math.round(m.longTasks.reduce((a, b) => a + b, 0)), max: m.longTasks.length ? Math.round(Math.max(...m.longTasks)) : 0 },
    eventToFrameMs: summary(m.batches),
    presenceChangeToScreenMs: summary(presence),
    queueStaleToFreshMs: summary(m.statsLag),
    readsPerSecond: {
      stats: Math.round((reads.stats / seconds) * 10) / 10,
      trend: Math.round((reads.trend / seconds) * 10) / 10,
      other: Math.round((reads.other / seconds) * 10) / 10,
    },
    mainThreadPerSecond: perSecondOf(metricsBefore, metricsAfter, seconds),
    page: { heapMb: m.heapMb, domNodes: m.domNodes },
    serverRssMb: Math.round((rssKb(server.pid) ?? 0) / 1024),
    driver: counts,
  };
  console.log(JSON.stringify(result, null, 2));
}

try {
  await main();
} finally {
  for (const c of cleanups) {
    try {
      await c();
    } catch {
      // keep cleaning up
    }
  }
}
process.exit(0);
