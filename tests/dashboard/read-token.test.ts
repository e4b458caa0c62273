import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_POLICY } from '../../src/server/policy.js';
import { expectExit } from '../cli/run.js';
import { testServer, type TestServer } from '../server/server.js';
import { chromiumMissing, launchBrowser } from './browser.js';

if (chromiumMissing) console.log(`dashboard read-token tests skipped: ${chromiumMissing}`);

describe.skipIf(chromiumMissing !== undefined)('the dashboard of a server that lets only token holders read', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let readerToken: string;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await testServer({ policy: { ...OPEN_POLICY, readAuth: true } });
    expectExit(await server.local(['join', '--role', 'explorer', '--as', 'ada']), 0);
    expectExit(await server.local(['propose', 'Map the retry paths in the uploader', '--id', 't-map', '--as', 'ada']), 0);
    readerToken = (await server.local(['token', '--reader', 'wall', '--json'])).json<{ token: string }>().token;
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows no data, and asks for a read token', async () => {
    await expect.poll(() => page.locator('#token-form').isVisible()).toBe(true);
    expect(await page.locator('#mode').textContent()).toBe('token needed');
    expect(await page.locator('[data-task-id="t-map"]').count()).toBe(0);
  });

  it('a token nobody holds is refused, and it asks again', async () => {
    await page.fill('#token', 'not-a-token');
    await page.click('#token-form button');
    await expect.poll(() => page.locator('#token-error').textContent()).toBe('that token is not valid here');
    expect(await page.locator('#token-form').isVisible()).toBe(true);
  });

  it('with a reader\'s token it shows the board, and follows the log live', async () => {
    await page.fill('#token', readerToken);
    await page.click('#token-form button');
    await expect.poll(() => page.locator('[data-task-id="t-map"]').count()).toBe(1);
    expect(await page.locator('#token-form').isVisible()).toBe(false);
    await expect.poll(() => page.locator('#connection').textContent()).toBe('● connected');
    expectExit(await server.local(['propose', 'Appended while the board watches', '--id', 't-live', '--as', 'ada']), 0);
    await expect.poll(() => page.locator('[data-task-id="t-live"]').count(), { timeout: 10_000 }).toBe(1);
  });

  it('keeps the token for the session: a reload asks nothing', async () => {
    await page.reload();
    await expect.poll(() => page.locator('[data-task-id="t-live"]').count()).toBe(1);
    expect(await page.locator('#token-form').isVisible()).toBe(false);
  });

  it('ran without page errors', () => {
    expect(problems).toEqual([]);
  });
});
