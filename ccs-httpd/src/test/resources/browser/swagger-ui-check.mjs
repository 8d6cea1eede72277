// Opens ccs's Swagger UI in a headless Chromium (the binary shipped in @sparticuz/chromium), waits
// until it has rendered the API, runs "Try it out" on GET /health, and prints what it saw as JSON.
// Given a key, it expects the page to ask for one: it first enters a wrong key (which must be
// refused), then the key, and also tries GET /api/sessions, which needs it.
// Usage: node swagger-ui-check.mjs http://127.0.0.1:<port> [ccs_ak_...]
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';

const base = process.argv[2];
const key = process.argv[3];
const browser = await playwright.launch({
  executablePath: await chromium.executablePath(),
  // No traffic beyond the server under test: no updates, no background fetches, no sync.
  args: [...chromium.args, '--disable-background-networking', '--disable-component-update', '--no-first-run',
    '--disable-sync', '--disable-default-apps'],
  headless: true,
});

async function tryItOut(page, operation) {
  const block = page.locator(operation);
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  await block.locator('button.execute').click();
  const status = block.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor({ timeout: 30000 });
  return (await status.textContent()).trim();
}

try {
  const page = await browser.newPage();
  let problems = [];
  page.on('requestfailed', (request) => problems.push('failed ' + request.url()));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(response.status() + ' ' + response.url());
  });
  page.on('pageerror', (error) => problems.push('page error ' + error.message));
  // What the page's Content-Security-Policy blocks shows as a console error.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      problems.push('blocked ' + message.text());
    }
  });
  await page.goto(base + '/api-docs', { waitUntil: 'load' });
  const seen = { title: await page.title() };
  if (key) {
    await page.waitForSelector('#ccs-key:not([hidden])', { timeout: 60000 });
    seen.asked = (await page.textContent('#ccs-key-message')).trim();
    await page.fill('#ccs-key-input', 'ccs_ak_' + '0'.repeat(64));
    await page.click('#ccs-key-open');
    await page.waitForFunction(() => document.getElementById('ccs-key-message').textContent.includes('refused'));
    seen.refused = (await page.textContent('#ccs-key-message')).trim();
    seen.beforeKey = problems;
    problems = [];
    await page.fill('#ccs-key-input', key);
    await page.click('#ccs-key-open');
  }
  await page.waitForSelector('.opblock', { timeout: 60000 });
  seen.paths = await page.$$eval('.opblock-summary-path', (nodes) =>
    nodes.map((node) => node.getAttribute('data-path') || node.textContent.trim()));
  seen.healthStatus = await tryItOut(page, '#operations-health-getHealth');
  if (key) {
    seen.sessionsStatus = await tryItOut(page, '#operations-sessions-getApiSessions');
  }
  seen.problems = problems;
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
}
