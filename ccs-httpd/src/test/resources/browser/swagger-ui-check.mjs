// Opens ccs's Swagger UI in a headless Chromium (the binary shipped in @sparticuz/chromium), waits
// until it has rendered the API, runs "Try it out" on GET /health, and prints what it saw as JSON.
// Usage: node swagger-ui-check.mjs http://127.0.0.1:<port>
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';

const base = process.argv[2];
const browser = await playwright.launch({
  executablePath: await chromium.executablePath(),
  // No traffic beyond the server under test: no updates, no background fetches, no sync.
  args: [...chromium.args, '--disable-background-networking', '--disable-component-update', '--no-first-run',
    '--disable-sync', '--disable-default-apps'],
  headless: true,
});
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('requestfailed', (request) => problems.push('failed ' + request.url()));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(response.status() + ' ' + response.url());
  });
  page.on('pageerror', (error) => problems.push('page error ' + error.message));
  await page.goto(base + '/api-docs', { waitUntil: 'load' });
  await page.waitForSelector('.opblock', { timeout: 60000 });
  const paths = await page.$$eval('.opblock-summary-path', (nodes) =>
    nodes.map((node) => node.getAttribute('data-path') || node.textContent.trim()));
  const health = page.locator('#operations-health-getHealth');
  await health.locator('.opblock-summary').first().click();
  await health.locator('button.try-out__btn').click();
  await health.locator('button.execute').click();
  const status = health.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor({ timeout: 30000 });
  console.log(JSON.stringify({
    title: await page.title(),
    paths,
    healthStatus: (await status.textContent()).trim(),
    problems,
  }));
} finally {
  await browser.close();
}
