// The OHIF viewer's pages as a clinician uses them.
import { check, log, T, env, canvasStats, screenshot } from './lib.mjs';

/** The descriptions in the study list, once it has loaded (empty list: after the QIDO answered). */
export async function studyListDescriptions(page) {
  await page.getByText('Study List', { exact: true }).first().waitFor({ timeout: T.step });
  // The list is drawn once the search has answered: wait for the network to settle, then a moment for React.
  await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => {});
  await page.waitForTimeout(1500);
  return page.$$eval('tbody tr', rows => rows.map(r => [...r.querySelectorAll('td')].map(td => td.textContent.trim())));
}

/** Opens the study with this description from the study list in the Basic Viewer. */
export async function openStudy(page, description) {
  await page.getByRole('cell', { name: description, exact: true }).click();
  const launch = page.getByRole('button', { name: /^Basic Viewer$/ }).first();
  await launch.waitFor({ timeout: T.step });
  await launch.click();
  await page.waitForURL(url => url.pathname.endsWith('/viewer/viewer'), { timeout: T.nav });
}

/** Closes OHIF's first-visit tour when it shows. */
export async function skipTour(page) {
  const skip = page.getByText('Skip all', { exact: true });
  if (await skip.isVisible().catch(() => false)) await skip.click();
}

/** Waits until a viewport's canvas shows an image (pixels, not only the DOM) and returns its statistics. */
export async function waitForImage(page, name) {
  const selector = 'canvas.cornerstone-canvas';
  await page.locator(selector).first().waitFor({ timeout: T.step });
  const deadline = Date.now() + T.step;
  let stats = [];
  while (Date.now() < deadline) {
    stats = await canvasStats(page, selector);
    if (stats.some(s => s.distinctColours >= 32 && s.litFraction > 0.05)) break;
    await page.waitForTimeout(1000);
  }
  await skipTour(page);
  await page.waitForTimeout(500);
  await screenshot(page, name);
  const best = stats.sort((a, b) => b.distinctColours - a.distinctColours)[0];
  log(`${name}: viewport canvas`, JSON.stringify(best));
  check(best && best.distinctColours >= 32 && best.litFraction > 0.05,
    `${name}: the viewport shows no image (canvas stats ${JSON.stringify(stats)})`);
  return best;
}
