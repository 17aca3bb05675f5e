// A share link end to end (README "Share links"): alice shares her CT in the portal; a fresh browser
// context with no Keycloak session opens the link on a phone-sized screen, enters the PIN and sees the
// CT render; another study's UID answers 404 with the link's token; alice revokes; the recipient's
// next request fails and the page says the link was revoked. alice's access log names the link.
import { run, newSession, keycloakLogin, screenshot, check, log, env, T } from './lib.mjs';
import { SAMPLE } from './sample.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const LABEL = 'Dr. Rossi, Ospedale X';

await run('share-link', async browser => {
  const alice = await newSession(browser, 'alice');
  await alice.page.goto(`${env.app}/portal/`);
  await keycloakLogin(alice.page, 'alice');
  await alice.page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: T.step });
  const studies = await alice.page.$$eval('#studies li', lis => lis.map(li => [li.querySelector('h3').textContent.trim(), li.dataset.studyUid]));
  const ct = studies.find(([d]) => d === SAMPLE.aliceCt)?.[1];
  const other = studies.find(([d]) => d !== SAMPLE.aliceCt)?.[1];
  check(ct && other, `alice has her CT and another study, got ${JSON.stringify(studies.map(s => s[0]))}`);

  await alice.page.getByLabel('Who receives it').fill(LABEL);
  await alice.page.selectOption('#share-study', ct);
  await alice.page.getByRole('button', { name: 'Create link' }).click();
  await alice.page.locator('#share-created').waitFor();
  const link = await alice.page.inputValue('#share-link');
  const pin = await alice.page.inputValue('#share-pin');
  check(/\/share\/#[A-Za-z0-9_-]{43}$/.test(link), `a link with its secret in the fragment, got ${link.replace(/#.*/, '#…')}`);
  check(/^[0-9]{8}$/.test(pin), 'an 8-digit PIN');
  await alice.page.locator(`#shares li[data-share-label="${LABEL}"][data-state="active"]`).waitFor();
  await screenshot(alice.page, 'share-01-alice-created', alice.page.locator('body'));
  const secret = link.slice(link.indexOf('#') + 1);

  // The recipient: another browser context, no Keycloak session, a phone.
  const recipient = await newSession(browser, 'recipient', PHONE);
  await recipient.page.goto(link);
  await recipient.page.waitForFunction(() => document.body.dataset.state === 'pin', null, { timeout: T.step });
  check(!recipient.page.url().includes('#'), 'the secret leaves the address bar at once');
  check(!(await recipient.page.url()).startsWith(env.issuer), 'no login page: the recipient has no account');
  await recipient.page.getByLabel('PIN').fill(pin);
  await recipient.page.getByRole('button', { name: 'Show the images' }).click();
  await recipient.page.waitForFunction(() => document.body.dataset.state === 'studies', null, { timeout: T.step });
  const shown = await recipient.page.$$eval('#studies h3', hs => hs.map(h => h.textContent.trim()));
  check(JSON.stringify(shown) === JSON.stringify([SAMPLE.aliceCt]), `the recipient sees only the shared CT, got ${JSON.stringify(shown)}`);
  await recipient.page.getByRole('button', { name: `View ${SAMPLE.aliceCt}` }).click();
  await recipient.page.waitForFunction(() => document.body.dataset.state === 'image', null, { timeout: T.step });
  const pixels = await recipient.page.evaluate(() => {
    const image = document.getElementById('image');
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(image, 0, 0);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const levels = new Set();
    for (let i = 0; i < data.length; i += 4) levels.add(data[i]);
    return { width: canvas.width, height: canvas.height, levels: levels.size };
  });
  log('recipient sees', JSON.stringify(pixels));
  check(pixels.width > 0 && pixels.levels > 16, `the CT renders (an image of many grey levels), got ${JSON.stringify(pixels)}`);
  check(await recipient.page.locator('#download').isHidden(), 'a view-only link offers no download');
  const overflow = await recipient.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the share page fits a phone screen (horizontal overflow ${overflow}px)`);
  await screenshot(recipient.page, 'share-02-recipient-phone', recipient.page.locator('body'));

  // The link's token reaches nothing else: alice's other study and an unknown UID answer alike, 404.
  const authorization = recipient.requests.find(r => r.url.includes('/dicomweb/') && r.headers.authorization)?.headers.authorization;
  check(authorization?.startsWith('Bearer dgs_'), 'the page used the link\'s token');
  const statuses = await recipient.page.evaluate(async ([auth, uids]) => Promise.all(uids.map(async uid =>
    (await fetch(`/dicomweb/studies/${uid}/metadata`, { headers: { Authorization: auth, Accept: 'application/dicom+json' } })).status)),
    [authorization, [other, '2.25.123456789012345678901234567890']]);
  check(JSON.stringify(statuses) === '[404,404]', `another study answers like an unknown one, got ${JSON.stringify(statuses)}`);

  // alice revokes; the recipient's next request fails and the page says why.
  await alice.page.getByRole('button', { name: `Revoke the link for ${LABEL}` }).click();
  await alice.page.locator(`#shares li[data-share-label="${LABEL}"][data-state="revoked"]`).waitFor();
  await recipient.page.getByRole('button', { name: 'Next image' }).click();
  await recipient.page.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: T.step });
  const reason = await recipient.page.getAttribute('#ended', 'data-reason');
  const text = (await recipient.page.textContent('#ended-text')).trim();
  check(reason === 'revoked' && /revoked/.test(text), `the page says the link was revoked, got ${reason}: ${text}`);
  check(await recipient.page.locator('#viewer').isHidden() && await recipient.page.locator('#who').isHidden(),
    'nothing of the study or the share stays on screen');
  await screenshot(recipient.page, 'share-03-recipient-revoked', recipient.page.locator('body'));
  const after = await recipient.page.evaluate(async ([auth, uid]) =>
    (await fetch(`/dicomweb/studies/${uid}/metadata`, { headers: { Authorization: auth, Accept: 'application/dicom+json' } })).status,
    [authorization, ct]);
  check(after === 401, `the old token is refused after the revocation, got ${after}`);

  // Neither the secret nor a Referer left the page; alice's access log names the link.
  check(!recipient.requests.some(r => r.url.includes(secret)), 'the secret is in no request URL');
  check(!recipient.requests.some(r => r.headers.referer), 'no request carried a Referer');
  await alice.page.getByRole('button', { name: 'Refresh' }).click();
  await alice.page.locator(`#log-rows tr[data-username="shared link '${LABEL}'"]`).first().waitFor();
  await alice.page.locator('#log').scrollIntoViewIfNeeded();
  await screenshot(alice.page, 'share-04-alice-access-log', alice.page.locator('body'));
  log(`recipient made ${recipient.requests.length} requests; alice's access log lists the link`);
});
