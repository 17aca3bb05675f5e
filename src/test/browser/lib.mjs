// Shared helpers of the browser scenarios: Debian's chromium through playwright-core, the
// Keycloak login page, a recorder of every request the apps make, screenshots and pixel checks.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const env = {
  app: required('DICOMGATE_APP_URL'),
  issuer: required('DICOMGATE_ISSUER_URL'),
  artifacts: process.env.DICOMGATE_ARTIFACTS || 'target/browser-artifacts',
  chromium: process.env.DICOMGATE_CHROMIUM || '/usr/bin/chromium',
};
fs.mkdirSync(env.artifacts, { recursive: true });

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value.replace(/\/$/, '');
}

export const T = { nav: 90_000, step: 120_000 };

export function log(...args) {
  console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

export async function launch() {
  if (!fs.existsSync(env.chromium)) {
    throw new Error(`${env.chromium} is missing: install Debian's chromium (bin/setup does, as root)`);
  }
  // launch() gives every run a fresh, temporary profile of its own (Playwright's user data dir).
  const browser = await chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  return { browser, close: () => browser.close() };
}

/** A fresh browser context (no cookies, no storage) that records every request it makes. */
export async function newSession(browser, name, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  context.setDefaultTimeout(T.step);
  context.setDefaultNavigationTimeout(T.nav);
  const page = await context.newPage();
  const requests = [];
  page.on('request', async request => {
    const entry = { url: request.url(), method: request.method(), headers: await request.allHeaders().catch(() => request.headers()) };
    requests.push(entry);
  });
  page.on('response', async response => {
    const entry = requests.find(r => r.url === response.url() && r.status === undefined);
    if (entry) entry.status = response.status();
  });
  page.on('console', msg => { if (['error','warning'].includes(msg.type())) log(`${name} console:`, msg.text().slice(0, 300)); });
  page.on('pageerror', err => log(`${name} page error:`, String(err).slice(0, 300)));
  return { context, page, requests, name };
}

/** Fills in Keycloak's login form, which must be what the page shows now. */
export async function keycloakLogin(page, username, password = 'demo') {
  await page.waitForURL(url => url.href.startsWith(env.issuer + '/protocol/openid-connect/auth'), { timeout: T.nav });
  await page.locator('#username').waitFor();
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(url => url.href.startsWith(env.app), { timeout: T.nav }), page.click('#kc-login')]);
}

export async function isKeycloakLoginPage(page) {
  return page.url().startsWith(env.issuer + '/protocol/openid-connect/auth') && await page.locator('#username').isVisible()
    && await page.locator('#password').isVisible();
}

export async function screenshot(page, name, locator) {
  const file = path.join(env.artifacts, `${name}.png`);
  await (locator || page).screenshot({ path: file });
  log('screenshot', file);
  return file;
}

/** Every request to the API carried a bearer token; returns how many there were. */
export function assertApiRequestsAuthorized(session) {
  const api = session.requests.filter(r => isApi(r.url));
  const bare = api.filter(r => !/^Bearer \S+$/.test(r.headers.authorization || ''));
  check(bare.length === 0, `${session.name}: ${bare.length} of ${api.length} API requests had no bearer token: `
    + bare.slice(0, 5).map(r => `${r.method} ${r.url}`).join(', '));
  return api.length;
}

export function isApi(url) {
  const u = new URL(url);
  return u.origin === new URL(env.app).origin && (u.pathname.startsWith('/dicomweb') || u.pathname.startsWith('/api/'));
}

/** The on-screen canvas of a viewport shows an image: many distinct grey levels, not one colour. */
export async function canvasStats(page, selector) {
  return page.evaluate(sel => {
    const canvases = [...document.querySelectorAll(sel)].filter(c => c.width > 0 && c.height > 0);
    return canvases.map(canvas => {
      const probe = document.createElement('canvas');
      probe.width = canvas.width;
      probe.height = canvas.height;
      const ctx = probe.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(canvas, 0, 0);
      const { data } = ctx.getImageData(0, 0, probe.width, probe.height);
      const levels = new Set();
      let lit = 0;
      for (let i = 0; i < data.length; i += 4) {
        const v = (data[i] + data[i + 1] + data[i + 2]) / 3;
        if (v > 16) lit++;
        levels.add(data[i] << 16 | data[i + 1] << 8 | data[i + 2]);
      }
      return { width: canvas.width, height: canvas.height, distinctColours: levels.size, litFraction: lit / (data.length / 4) };
    });
  }, selector);
}

export async function run(name, scenario) {
  const t0 = Date.now();
  const { browser, close } = await launch();
  try {
    await scenario(browser);
    log(`${name}: passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    log(`${name}: FAILED: ${e.stack || e}`);
    for (const context of browser.contexts()) {
      for (const [i, page] of context.pages().entries()) {
        await page.screenshot({ path: path.join(env.artifacts, `${name}-failure-${i}.png`) }).catch(() => {});
        log(`page ${i} was at ${page.url()}`);
      }
    }
    process.exitCode = 1;
  } finally {
    await close();
  }
}
