// End to end in Debian's Chromium: the built React sample (vite preview, proxying to a real FlowStream.Sample host started
// here) — nodes observed going running → success live and in order, the Gemini flow's error, Pause then Cancel, and a
// share link followed in a second page. Run `npm run build` first. node --test e2e/
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { hostMissingReason, startSampleHost } from '../../../clients/js/test-support/sample-host.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const underCi = process.env.CI === 'true' || process.env.CI === '1';
const timeout = 30_000;

/** Debian's Chromium: FLOWSTREAM_CHROMIUM, else chromium / chromium-browser / google-chrome on PATH. */
function findChromium() {
  if (process.env.FLOWSTREAM_CHROMIUM) return process.env.FLOWSTREAM_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
    } catch {
      // not this one
    }
  }
  return null;
}

const chromiumPath = findChromium();
if (!chromiumPath && underCi) throw new Error('No Chromium found (CI=true): apt-get install chromium, or set FLOWSTREAM_CHROMIUM.');
if (!existsSync(`${root}dist/index.html`)) {
  if (underCi) throw new Error('The React sample is not built: npm run build in samples/flowstream-react.');
}
const skip = !chromiumPath
  ? 'No Chromium found: apt-get install chromium (or set FLOWSTREAM_CHROMIUM) to run the browser tests.'
  : !existsSync(`${root}dist/index.html`) ? 'The React sample is not built: npm run build first.' : hostMissingReason() ?? false;

/** Records every change of a node's data-status and of the run's data-execution-status, in order, in window.__transitions. */
function installObserver() {
  window.__transitions = [];
  let seq = 0;
  const watch = (t, attribute) => (attribute === 'data-status' && t.dataset.nodeName) ? ['node', t.dataset.nodeName]
    : (attribute === 'data-execution-status') ? ['run', 'run'] : null;
  new MutationObserver((mutations) => {
    // Several changes of one attribute in a batch: each record's new value is the next one's old value.
    mutations.forEach((m, i) => {
      const what = watch(m.target, m.attributeName);
      if (!what) return;
      const later = mutations.slice(i + 1).find((n) => n.target === m.target && n.attributeName === m.attributeName);
      const value = later ? later.oldValue : m.target.getAttribute(m.attributeName);
      window.__transitions.push({ seq: ++seq, kind: what[0], name: what[1], value });
    });
  }).observe(document.body, { attributes: true, attributeOldValue: true, subtree: true, attributeFilter: ['data-status', 'data-execution-status'] });
}

/**
 * Makes the page's run of the sequential flow hold 'Fetch order' for `ms` (the sample host allows inline workflows): the
 * test's clicks then land while that node runs, not within a 700 ms window of wall-clock luck.
 */
async function holdFetchOrder(page, ms) {
  const flow = JSON.parse(readFileSync(new URL('../../FlowStream.Sample/flows/1-sequential.json', import.meta.url), 'utf8'));
  flow.nodes.find((n) => n.name === 'Fetch order').parameters.ms = ms;
  await page.route('**/executions/stream', (route) => {
    const body = route.request().postDataJSON();
    if (body?.flowId !== 'sequential') return route.continue();
    return route.continue({ postData: JSON.stringify({ workflow: flow, inputData: body.inputData }) });
  });
}

const first = (transitions, name, value) => transitions.find((t) => t.name === name && t.value === value)?.seq ?? -1;

describe('React sample in Chromium', { skip }, () => {
  let host;
  let server;
  let browser;
  let url;

  before(async () => {
    host = await startSampleHost();
    process.env.FLOWSTREAM_HOST = host.url; // vite.config.js proxies /executions and /api there
    server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', strictPort: false } });
    url = server.resolvedUrls.local[0].replace(/\/$/, '');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.httpServer.close(resolve) : resolve()));
    await host?.stop();
  });

  async function open(flowId, path = '/') {
    const page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    await page.goto(`${url}${path}`);
    if (flowId) {
      await page.click(`button[data-flow-id='${flowId}']`);
      await page.waitForSelector("[data-testid^='node-']");
    }
    await page.evaluate(installObserver);
    return page;
  }

  const node = (name) => `[data-testid='node-${name}']`;

  test('sequential flow: each node is seen running before success, and the next one waits for it', async () => {
    const page = await open('sequential');
    await page.click("[data-testid='run']");
    await page.waitForSelector(`${node('Check stock')}[data-status='running']`);
    await page.waitForSelector("main[data-execution-status='success']");
    const transitions = await page.evaluate(() => window.__transitions);
    // The hook hands React one update per burst of events, so an instant node (the trigger, a `set`) may go from idle to
    // success in one step; the `wait` nodes take 700 and 900 ms and must be seen running first.
    for (const name of ['Fetch order', 'Check stock']) assert.ok(first(transitions, name, 'running') > 0, `'${name}' was seen running`);
    const names = ['Start', 'Fetch order', 'Enrich', 'Check stock', 'Confirm'];
    names.forEach((name, k) => {
      const running = first(transitions, name, 'running');
      const success = first(transitions, name, 'success');
      assert.ok(success > 0, `'${name}' was seen done`);
      if (running > 0) assert.ok(success > running, `'${name}' was seen running before it was seen done`);
      if (k + 1 < names.length) {
        const next = first(transitions, names[k + 1], 'running');
        const nextStart = next > 0 ? next : first(transitions, names[k + 1], 'success');
        assert.ok(nextStart > success, `'${names[k + 1]}' is never seen before '${name}' is done`);
      }
    });
    assert.equal(await page.locator("[data-status='success']").count(), 5);
    assert.equal(await page.textContent("[data-testid='percent']"), '100%');
    await page.click(node('Confirm'));
    assert.match(await page.textContent("[data-testid='side-output']"), /Order for Ada confirmed: 42 EUR/);
    await page.close();
  });

  test('Gemini flow without a key: the node shows "API key not configured" and a cross', async () => {
    const page = await open('gemini');
    await page.click("[data-testid='run']");
    await page.waitForSelector("main[data-execution-status='error']");
    assert.equal(await page.getAttribute(node('Gemini AI'), 'data-status'), 'error');
    assert.match(await page.textContent(`${node('Gemini AI')} .node-error`), /API key not configured/);
    assert.equal(await page.textContent(`${node('Gemini AI')} .icon`), '✗');
    assert.equal(await page.getAttribute(node('Build prompt'), 'data-status'), 'success');
    assert.equal(await page.getAttribute(node('Format'), 'data-status'), 'idle', 'a node after the failed one never runs');
    await page.click(node('Gemini AI'));
    assert.match(await page.textContent("[data-testid='side-error']"), /API key not configured/);
    await page.close();
  });

  test('Pause holds the run (Resume offered), then Cancel ends it canceled and later nodes never run', async () => {
    const page = await open('sequential');
    await holdFetchOrder(page, 60_000);
    await page.click("[data-testid='run']");
    await page.waitForSelector(`${node('Fetch order')}[data-status='running']`);
    await page.click("[data-testid='pause']");
    await page.waitForSelector("main[data-execution-status='paused']");
    assert.equal(await page.isEnabled("[data-testid='resume']"), true);
    await page.click("[data-testid='cancel']");
    await page.waitForSelector("main[data-execution-status='canceled']");
    const transitions = await page.evaluate(() => window.__transitions);
    assert.equal(first(transitions, 'Confirm', 'running'), -1, 'Confirm never ran');
    assert.equal(await page.getAttribute(node('Fetch order'), 'data-status'), 'canceled', 'the running node was canceled');
    assert.equal(await page.textContent("[data-testid='execution-status']"), 'canceled');
    assert.equal(await page.isEnabled("[data-testid='run']"), true);
    await page.close();
  });

  test('a share link opened in a second page follows the run live', async () => {
    const owner = await open('sequential');
    await holdFetchOrder(owner, 3_000);
    await owner.click("[data-testid='run']");
    await owner.waitForSelector(`${node('Fetch order')}[data-status='running']`);
    // Paused, the run waits for the watcher: what the watcher sees after Resume can only arrive live.
    await owner.click("[data-testid='pause']");
    await owner.waitForSelector("main[data-execution-status='paused']");
    await owner.click("[data-testid='share']");
    const link = await owner.getAttribute("[data-testid='share-link']", 'href');
    assert.match(link, /\?execution=\d+/);

    const watcher = await browser.newPage();
    watcher.setDefaultTimeout(timeout);
    await watcher.goto(link);
    await watcher.waitForSelector("[data-testid='share-view'][data-execution-status='paused']");
    await watcher.waitForSelector(`${node('Start')}[data-status='success']`);
    await watcher.evaluate(installObserver);

    await owner.click("[data-testid='resume']");
    await watcher.waitForSelector("[data-testid='share-view'][data-execution-status='success']");
    const transitions = await watcher.evaluate(() => window.__transitions);
    // Check stock (a 900 ms wait) starts only after Resume: the watcher sees it running, then done, then Confirm done.
    assert.ok(first(transitions, 'Check stock', 'running') > 0, "the watcher saw 'Check stock' running");
    assert.ok(first(transitions, 'Check stock', 'success') > first(transitions, 'Check stock', 'running'), "then 'Check stock' done");
    assert.ok(first(transitions, 'Confirm', 'success') > first(transitions, 'Check stock', 'success'), "then 'Confirm' done");
    assert.equal(await watcher.locator("[data-status='success']").count(), 5);
    await owner.waitForSelector("main[data-execution-status='success']");
    await watcher.close();
    await owner.close();
  });
});
