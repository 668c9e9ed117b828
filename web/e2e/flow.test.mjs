// The whole path through the UI: an admin creates an agent and its user in
// Administration; the agent signs in and goes ready; an interaction created through the API
// appears on the desktop as an offer; the agent accepts, ends and wraps up; meanwhile the
// supervisor's wallboard counts it waiting, then answered, and the report counts it; the desktop
// and the wallboard in Chinese. Every screen on the way is saved as a screenshot. Then an admin
// deletes an agent in Administration, and deleting one a user acts as is refused with the reason.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, screenshot, signIn, startCenter, waitUntil } from './harness.mjs';

let chromium;
before(async () => {
  chromium = await launchBrowser();
});
after(async () => {
  await chromium?.close();
});

const AGENT = 'e2e_agent';
const QUEUE = 'e2e_queue';
const USER = 'mei';
const PASSWORD = 'e2e-agent-password-1';
const SUPERVISOR = 'lee';
const SUPERVISOR_PASSWORD = 'e2e-supervisor-password-1';

// The text of `testId` inside the wallboard tile of QUEUE, once it is `expected`.
async function tileShows(page, testId, expected) {
  const cell = page.locator(`[data-testid="wb-queue-tile"][data-queue="${QUEUE}"] [data-testid="${testId}"]`);
  await waitUntil(`wallboard ${testId} = ${expected}`, async () => (await cell.textContent()).trim() === expected);
}

// An admin creates agent AGENT (voice capacity 1) and user USER (role agent, acting as AGENT)
// through the administration screen.
async function createAgentInTheUi(page, center) {
  await signIn(page, center, 'admin', center.adminPassword);
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('admin-tab-agents').click();
  await page.getByTestId('admin-table').waitFor();
  await screenshot(page, 'admin-agents-en');
  await page.getByTestId('admin-new').click();
  await page.getByTestId('admin-field-id').fill(AGENT);
  await page.getByTestId('admin-field-name').fill('Mei Lin 林美');
  await page.getByTestId('admin-field-capacity.voice').fill('1');
  await screenshot(page, 'admin-agent-new-en');
  await page.getByTestId('admin-save').click();
  await page.getByTestId(`admin-row-${AGENT}`).waitFor();

  await page.getByTestId('admin-tab-users').click();
  await page.getByTestId('admin-new').click();
  await page.getByTestId('admin-field-username').fill(USER);
  await page.getByTestId('admin-field-password').fill(PASSWORD);
  await page.getByTestId('admin-role-agent').check();
  await page.getByTestId('admin-field-agent_id').selectOption(AGENT);
  await screenshot(page, 'admin-user-new-en');
  await page.getByTestId('admin-save').click();
  await page.getByTestId('admin-table').getByText(USER, { exact: true }).waitFor();
}

test('an admin creates an agent, who goes ready and works an offered interaction through', async (t) => {
  const center = await startCenter();
  t.after(() => center.stop());
  const admin = await chromium.newPage('en');
  t.after(() => admin.context().close());
  await createAgentInTheUi(admin, center);

  // The agent and its user are real: the API shows them as the UI made them.
  const adminToken = await center.login('admin', center.adminPassword);
  const agent = await center.api('GET', `/api/v1/agents/${AGENT}`, undefined, adminToken);
  assert.equal(agent.status, 200, agent.text);
  assert.equal(agent.json.capacity.voice, 1);
  // A queue of its own, so the interaction below is offered to this agent alone.
  const queue = await center.api('POST', '/api/v1/queues', { id: QUEUE, name: 'E2E', members: [AGENT] }, adminToken);
  assert.equal(queue.status, 201, queue.text);

  // The supervisor watches the wallboard: the new queue's tile, nothing waiting yet.
  const supervisor = await center.api(
    'POST',
    '/api/v1/users',
    { username: SUPERVISOR, password: SUPERVISOR_PASSWORD, roles: ['supervisor'] },
    adminToken,
  );
  assert.equal(supervisor.status, 201, supervisor.text);
  const board = await chromium.newPage('en');
  t.after(() => board.context().close());
  await signIn(board, center, SUPERVISOR, SUPERVISOR_PASSWORD);
  await board.getByTestId('wallboard').waitFor();
  await board.locator('[data-testid="wallboard"] [data-testid="stream-status"][data-status="live"]').waitFor();
  await tileShows(board, 'wb-tile-waiting', '0');
  const slBefore = (await board.locator(`[data-testid="wb-queue-tile"][data-queue="${QUEUE}"] [data-testid="wb-tile-sl"]`).textContent()).trim();

  const desk = await chromium.newPage('en');
  t.after(() => desk.context().close());
  await signIn(desk, center, USER, PASSWORD);
  await desk.getByTestId('agent-desktop').waitFor();
  assert.equal(await desk.getByTestId('agent-desktop').getAttribute('data-agent'), AGENT);
  await desk.locator('[data-testid="stream-status"][data-status="live"]').waitFor();
  await desk.getByTestId('presence-ready').click();
  await desk.locator('[data-testid="presence-state"][data-presence="ready"]').waitFor();
  await desk.getByTestId('offer-none').waitFor();
  await screenshot(desk, 'agent-ready-en');

  const created = await center.api(
    'POST',
    '/api/v1/interactions',
    { queue: QUEUE, channel: 'voice', customer: { phone: '+886912345678' } },
    adminToken,
  );
  assert.equal(created.status, 201, created.text);
  const id = String(created.json.id);
  const offer = desk.locator(`[data-testid="offer-card"][data-interaction="${id}"]`);
  await offer.waitFor();
  assert.match(await offer.getByTestId('offer-queue').textContent(), /E2E|e2e_queue/);
  assert.match(await offer.getByTestId('offer-customer').textContent(), /886912345678/);
  await screenshot(desk, 'agent-offer-en');
  await tileShows(board, 'wb-tile-waiting', '1');
  await board.locator(`[data-testid="wb-waiting-item"][data-interaction="${id}"]`).waitFor();
  await screenshot(board, 'wallboard-waiting-en');

  await offer.getByTestId('offer-accept').click();
  const work = desk.locator(`[data-testid="work-card"][data-interaction="${id}"]`);
  await desk.locator(`[data-testid="work-card"][data-interaction="${id}"][data-phase="connected"]`).waitFor();
  await desk.getByTestId('offer-none').waitFor();
  await screenshot(desk, 'agent-connected-en');
  await tileShows(board, 'wb-tile-waiting', '0');
  // Answered at once: the queue's service level is met in full.
  await waitUntil('the service level to count the answer', async () => {
    const sl = await board.locator(`[data-testid="wb-queue-tile"][data-queue="${QUEUE}"] [data-testid="wb-tile-sl"]`).textContent();
    return /100\s?%/.test(sl) && sl.trim() !== slBefore;
  });
  await screenshot(board, 'wallboard-en');

  await work.getByTestId('work-end').click();
  await desk.locator(`[data-testid="work-card"][data-interaction="${id}"][data-phase="wrapup"]`).waitFor();
  await work.getByTestId('wrapup-disposition').selectOption('resolved');
  await work.getByTestId('wrapup-notes').fill('Billing question answered.');
  await screenshot(desk, 'agent-wrapup-en');
  await work.getByTestId('wrapup-submit').click();
  await desk.getByTestId('work-none').waitFor();

  // The interaction is complete with what the agent chose, as the API reports it.
  const done = await waitUntil('the interaction to be completed', async () => {
    const r = await center.api('GET', `/api/v1/interactions/${id}`, undefined, adminToken);
    return r.json?.disposition === 'resolved' && r.json;
  });
  assert.equal(done.notes, 'Billing question answered.');

  // The report of today counts the interaction answered in the queue.
  await admin.getByTestId('nav-reports').click();
  await admin.getByTestId('reports-form').waitFor();
  await admin.getByTestId('reports-queue').selectOption(QUEUE);
  await admin.getByTestId('reports-run').click();
  const answered = admin.locator('[data-testid="reports-total"] [data-kpi="answered"]');
  await answered.waitFor();
  assert.equal((await answered.textContent()).trim(), '1');
  await screenshot(admin, 'reports-en');

  // The wallboard in Simplified Chinese, the desktop in Traditional Chinese.
  await board.getByTestId('locale-select').selectOption('zh-CN');
  await board.getByTestId('nav-wallboard').getByText('实时看板').waitFor();
  await screenshot(board, 'wallboard-zh-CN');
  await desk.getByTestId('locale-select').selectOption('zh-TW');
  await desk.getByTestId('nav-agent').getByText('客服桌面').waitFor();
  await screenshot(desk, 'agent-desktop-zh-TW');
});

test('an admin deletes an agent; one a user is linked to is refused with the reason', async (t) => {
  const center = await startCenter();
  t.after(() => center.stop());
  const admin = await chromium.newPage('en');
  t.after(() => admin.context().close());
  await createAgentInTheUi(admin, center); // AGENT, linked to USER

  const adminToken = await center.login('admin', center.adminPassword);
  const spare = await center.api('POST', '/api/v1/agents', { id: 'e2e_spare', name: 'Spare' }, adminToken);
  assert.equal(spare.status, 201, spare.text);
  await admin.getByTestId('admin-tab-users').click();
  await admin.getByTestId('admin-tab-agents').click();
  await admin.getByTestId('admin-row-e2e_spare').waitFor();

  // Linked to USER: refused, the server's reason shown, the agent still there.
  await admin.getByTestId(`admin-delete-${AGENT}`).click();
  await admin.getByTestId('admin-delete-confirm').click();
  const error = admin.getByTestId('admin-list-error');
  await waitUntil('the refusal to show', async () => /linked to user/.test((await error.textContent()) ?? ''));
  assert.equal((await center.api('GET', `/api/v1/agents/${AGENT}`, undefined, adminToken)).status, 200);

  // Not linked, logged out: deleted, gone from the list and from the API.
  await admin.getByTestId('admin-delete-e2e_spare').click();
  await admin.getByTestId('admin-delete-confirm').click();
  await admin.getByTestId('admin-row-e2e_spare').waitFor({ state: 'detached' });
  assert.equal((await center.api('GET', '/api/v1/agents/e2e_spare', undefined, adminToken)).status, 404);
});
