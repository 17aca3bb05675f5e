// Without a session: the viewer, a deep link into it and the portal all end on Keycloak's login
// page, and no API request is answered with data.
import { run, newSession, isKeycloakLoginPage, screenshot, check, log, env, T, isApi } from './lib.mjs';

await run('no-session', async browser => {
  const anon = await newSession(browser, 'anonymous');
  const { page } = anon;
  const answered = [];
  page.on('response', r => { if (isApi(r.url()) && r.status() < 300) answered.push(`${r.status()} ${r.url()}`); });
  for (const [name, path] of [['viewer', '/viewer/'], ['viewer-deep-link', '/viewer/viewer?StudyInstanceUIDs=1.2.3.4'], ['portal', '/portal/']]) {
    await page.goto(env.app + path);
    await page.waitForURL(u => u.href.startsWith(env.issuer + '/protocol/openid-connect/auth'), { timeout: T.nav });
    await page.locator('#username').waitFor();
    check(await isKeycloakLoginPage(page), `${name}: the login page is shown`);
    await screenshot(page, `no-session-${name}`);
    log(`${name}: login page`);
    await page.context().clearCookies();
  }
  const api = await page.request.get(`${env.app}/dicomweb/studies`, { headers: { Accept: 'application/dicom+json' } });
  check(api.status() === 401, `the API without a token answers 401, got ${api.status()}`);
  check((await api.body()).length === 0 || !(await api.text()).includes('0020000D'), 'the 401 carries no data');
  check(answered.length === 0, `no API request was answered with data: ${answered.join(', ')}`);
});
