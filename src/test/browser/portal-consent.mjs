// A patient (bob, on a phone-sized screen) logs in to the portal, sees only his own studies and
// grants a clinician (dr.cuddy) access; dr.cuddy then sees and opens the study in the viewer; bob
// revokes; dr.cuddy no longer sees it; bob's access log lists dr.cuddy's views.
import { run, newSession, keycloakLogin, screenshot, assertApiRequestsAuthorized, check, log, env, T } from './lib.mjs';
import { studyListDescriptions, openStudy, waitForImage } from './viewer.mjs';
import { SAMPLE } from './sample.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function portalReady(page) {
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: T.step });
  await page.waitForFunction(() => [...document.querySelectorAll('.thumb')].every(t => t.dataset.thumbnail), null, { timeout: T.step });
}

async function clinicianStudies(page) {
  await page.goto(`${env.app}/viewer/`);
  return (await studyListDescriptions(page)).map(r => r[3]).filter(Boolean).sort();
}

await run('portal-consent', async browser => {
  const bob = await newSession(browser, 'bob', PHONE);
  await bob.page.goto(`${env.app}/portal/`);
  await keycloakLogin(bob.page, 'bob');
  await portalReady(bob.page);
  await screenshot(bob.page, 'portal-01-bob-phone', bob.page.locator('body'));

  const studies = await bob.page.$$eval('#studies h3', hs => hs.map(h => h.textContent.trim()).sort());
  log('bob sees', JSON.stringify(studies));
  check(JSON.stringify(studies) === JSON.stringify(SAMPLE.bob), `bob sees only his own studies, got ${JSON.stringify(studies)}`);
  const card = bob.page.locator('#studies li').first();
  check(await card.getByRole('link', { name: /Open .* in the viewer/ }).count() === 1, 'each study links to the viewer');
  const thumbnailState = await card.locator('.thumb').getAttribute('data-thumbnail');
  // Until dicomgate serves /dicomweb/studies/{uid}/thumbnail the portal shows a placeholder; once
  // the server answers it with an image, the portal must show it.
  const thumbnailServed = await bob.page.evaluate(async () => {
    const session = JSON.parse(sessionStorage.getItem('dicomgate.portal.session'));
    const uid = document.querySelector('#studies li').dataset.studyUid;
    const r = await fetch(`/dicomweb/studies/${uid}/thumbnail`, { headers: { Authorization: `Bearer ${session.accessToken}`, Accept: 'image/jpeg' } });
    return r.ok && (r.headers.get('Content-Type') || '').startsWith('image/');
  });
  log(`thumbnail: server ${thumbnailServed ? 'serves' : 'does not serve yet'} /thumbnail; portal shows ${thumbnailState}`);
  check(thumbnailState === (thumbnailServed ? 'loaded' : 'placeholder'), `thumbnail shown as ${thumbnailState}`);
  const overflow = await bob.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the portal fits a phone screen (horizontal overflow ${overflow}px)`);
  const unlabelled = await bob.page.$$eval('input, button, select, textarea', els => els.filter(e => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim())).length);
  check(unlabelled === 0, `every control has an accessible name (${unlabelled} without)`);

  // dr.cuddy has no consent: bob's study is not in the viewer's list.
  const cuddy = await newSession(browser, 'dr.cuddy');
  await cuddy.page.goto(`${env.app}/viewer/`);
  await keycloakLogin(cuddy.page, 'dr.cuddy');
  let seen = (await studyListDescriptions(cuddy.page)).map(r => r[3]).filter(Boolean);
  check(seen.length === 0, `dr.cuddy sees nothing before the consent, got ${JSON.stringify(seen)}`);

  // bob grants dr.cuddy access.
  await bob.page.getByLabel("Clinician's username").fill('dr.cuddy');
  await bob.page.getByRole('button', { name: 'Grant access' }).click();
  const granted = bob.page.locator('#consents li[data-grantee="dr.cuddy"][data-state="active"]');
  await granted.waitFor();
  // The consent names the account the directory resolved: her name, then the username bob typed.
  const grantedTo = await granted.locator('strong').textContent();
  check(grantedTo === 'Lisa Cuddy (dr.cuddy)', `the portal shows the clinician's name, got ${JSON.stringify(grantedTo)}`);
  await screenshot(bob.page, 'portal-02-bob-granted', bob.page.locator('body'));

  seen = await clinicianStudies(cuddy.page);
  check(JSON.stringify(seen) === JSON.stringify(SAMPLE.bob), `dr.cuddy sees bob's study after the consent, got ${JSON.stringify(seen)}`);
  await screenshot(cuddy.page, 'portal-03-cuddy-sees-bob');
  await openStudy(cuddy.page, SAMPLE.bobMr);
  await waitForImage(cuddy.page, 'portal-04-cuddy-opened-bob-mr');

  // bob revokes; dr.cuddy's next search no longer finds the study.
  await bob.page.getByRole('button', { name: 'Revoke access of Lisa Cuddy (dr.cuddy)' }).click();
  await bob.page.locator('#consents li[data-grantee="dr.cuddy"][data-state="revoked"]').waitFor();
  seen = await clinicianStudies(cuddy.page);
  check(seen.length === 0, `dr.cuddy sees nothing after the revocation, got ${JSON.stringify(seen)}`);
  await screenshot(cuddy.page, 'portal-05-cuddy-after-revoke');

  // bob's access log lists dr.cuddy's views.
  await bob.page.getByRole('button', { name: 'Refresh' }).click();
  await bob.page.locator('#log-rows tr[data-username="dr.cuddy"][data-action="RETRIEVE"]').first().waitFor();
  const cuddyRows = await bob.page.locator('#log-rows tr[data-username="dr.cuddy"]').count();
  log(`bob's access log lists ${cuddyRows} accesses by dr.cuddy`);
  await bob.page.locator('#log').scrollIntoViewIfNeeded();
  await screenshot(bob.page, 'portal-06-bob-access-log', bob.page.locator('body'));

  for (const session of [bob, cuddy]) {
    log(`${session.name}: ${assertApiRequestsAuthorized(session)} API requests, all with a bearer token`);
  }
  // No PHI in the portal's addresses: nothing the browser navigated to or fetched names the patient.
  const phi = bob.requests.filter(r => SAMPLE.patientIdentifiers.some(id => decodeURIComponent(r.url).includes(id)));
  check(phi.length === 0, `the portal put patient identifiers in URLs: ${phi.map(r => r.url).join(', ')}`);
});
