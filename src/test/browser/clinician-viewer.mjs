// A clinician logs in to the viewer on Keycloak's page, sees exactly the consented studies, opens
// one and sees the image; every API request carries the token, the token is renewed, logout ends
// the session.
import { run, newSession, keycloakLogin, isKeycloakLoginPage, screenshot, assertApiRequestsAuthorized, check, log, env, T } from './lib.mjs';
import { studyListDescriptions, openStudy, waitForImage } from './viewer.mjs';
import { SAMPLE } from './sample.mjs';

await run('clinician-viewer', async browser => {
  const house = await newSession(browser, 'dr.house');
  const { page } = house;
  await page.goto(`${env.app}/viewer/`);
  check(await isKeycloakLoginPage(page).then(ok => ok || page.waitForURL(u => u.href.startsWith(env.issuer)).then(() => true)), 'the viewer sends to the Keycloak login page');
  await screenshot(page, 'viewer-01-keycloak-login');
  await keycloakLogin(page, 'dr.house');

  const rows = await studyListDescriptions(page);
  const descriptions = rows.map(r => r[3]).filter(Boolean).sort();
  log('dr.house study list:', JSON.stringify(descriptions));
  check(JSON.stringify(descriptions) === JSON.stringify([...SAMPLE.alice].sort()),
    `dr.house sees exactly alice's studies (consented), got ${JSON.stringify(descriptions)}`);
  await screenshot(page, 'viewer-02-study-list-dr.house');

  await openStudy(page, SAMPLE.aliceCt);
  const stats = await waitForImage(page, 'viewer-03-ct-opened');
  log('image statistics', JSON.stringify(stats));

  // Token renewal: the realm of this test issues access tokens for 75 s; OHIF renews 60 s before.
  const firstToken = house.requests.find(r => r.url.includes('/dicomweb'))?.headers.authorization;
  await page.waitForRequest(r => r.url().startsWith(env.issuer) && r.method() === 'POST' && (r.postData() || '').includes('grant_type=refresh_token'),
    { timeout: 90_000 });
  log('the viewer renewed its token with the refresh token');
  await page.waitForTimeout(2000);
  await page.goto(`${env.app}/viewer/`);
  await studyListDescriptions(page).catch(() => {});
  const lastToken = house.requests.filter(r => r.url.includes('/dicomweb')).at(-1)?.headers.authorization;
  check(lastToken && lastToken !== firstToken, 'requests after the renewal use the new token');

  const count = assertApiRequestsAuthorized(house);
  log(`all ${count} API requests of dr.house carried a bearer token`);

  // Logout: OHIF's user menu navigates to /logout, which ends the Keycloak session.
  await page.goto(`${env.app}/viewer/logout?redirect_uri=${encodeURIComponent(`${env.app}/viewer/`)}`);
  await page.waitForURL(u => u.href.startsWith(env.issuer + '/protocol/openid-connect/auth'), { timeout: T.nav });
  check(await isKeycloakLoginPage(page), 'after logout the viewer asks for a login again');
  await screenshot(page, 'viewer-04-after-logout');
});
