// The patient portal: my studies, who may see them (consents), who looked at them (access log).
// Everything shown comes from dicomgate's API with the patient's own token; the address bar never
// carries a patient ID, a name or a study (no client-side routing at all).
import { OidcClient } from './oidc.js';
import { el, first, dicomDate } from './dom.js';

const $ = id => document.getElementById(id);
const tag = { date: '00080020', modalities: '00080061', description: '00081030', studyUid: '0020000D', instances: '00201208' };
const studyNames = new Map();

const dateTime = iso => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const day = iso => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}

async function problem(response) {
  const text = (await response.text()).trim();
  return text && text.length < 300 && !text.startsWith('<') ? text : `The server answered ${response.status}.`;
}

let oidc;
let config;

async function loadStudies() {
  const r = await oidc.api('/dicomweb/studies?includefield=StudyDescription,ModalitiesInStudy,NumberOfStudyRelatedInstances',
    { headers: { Accept: 'application/dicom+json' } });
  if (!r.ok && r.status !== 204) throw new Error(`Your studies could not be loaded (${r.status}).`);
  const studies = r.status === 204 ? [] : await r.json();
  studies.sort((a, b) => (first(b, tag.date) || '').localeCompare(first(a, tag.date) || ''));
  const list = $('studies');
  list.replaceChildren();
  $('share-study').replaceChildren(el('option', { value: '' }, 'All my studies'));
  for (const study of studies) {
    const uid = first(study, tag.studyUid);
    const description = first(study, tag.description) || 'Imaging study';
    const modalities = (study[tag.modalities]?.Value || []).join(', ');
    const date = dicomDate(first(study, tag.date));
    studyNames.set(uid, `${description} (${date})`);
    $('share-study').append(el('option', { value: uid }, `${description} (${date})`));
    const thumb = el('div', { class: 'thumb' }, el('span', { class: 'placeholder', 'aria-hidden': 'true' }, modalities || '—'));
    const titleId = `study-${list.children.length}`;
    const viewerUrl = `${config.viewerUrl}viewer?StudyInstanceUIDs=${encodeURIComponent(uid)}`;
    list.append(el('li', { class: 'card', 'data-study-uid': uid, 'aria-labelledby': titleId },
      thumb,
      el('div', { class: 'body' },
        el('h3', { id: titleId }, description),
        el('span', { class: 'meta' }, el('span', { class: 'visually-hidden' }, 'Date: '), date),
        el('span', { class: 'meta' }, el('span', { class: 'visually-hidden' }, 'Modality: '), modalities || 'unknown'),
        el('a', { class: 'open', href: viewerUrl, 'aria-label': `Open ${description} of ${date} in the viewer` }, 'Open in viewer'))));
    loadThumbnail(uid, thumb, description);
  }
  $('studies-empty').hidden = studies.length > 0;
}

/** The study's thumbnail from /dicomweb/studies/{uid}/thumbnail; a placeholder when there is none. */
async function loadThumbnail(uid, container, description) {
  try {
    const r = await oidc.api(`/dicomweb/studies/${encodeURIComponent(uid)}/thumbnail`,
      { headers: { Accept: 'image/jpeg, image/png;q=0.9, image/gif;q=0.5' } });
    if (!r.ok || !(r.headers.get('Content-Type') || '').startsWith('image/')) {
      container.dataset.thumbnail = 'placeholder';
      return;
    }
    const url = URL.createObjectURL(await r.blob());
    const img = el('img', { src: url, alt: `Preview of ${description}` });
    img.addEventListener('load', () => { container.dataset.thumbnail = 'loaded'; }, { once: true });
    img.addEventListener('error', () => { container.dataset.thumbnail = 'placeholder'; img.remove(); }, { once: true });
    container.replaceChildren(img);
  } catch {
    container.dataset.thumbnail = 'placeholder';
  }
}

function consentState(c) {
  if (c.status === 'revoked') return 'revoked';
  if (!c.active) return c.end && new Date(c.end) <= new Date() ? 'expired' : 'not yet active';
  return 'active';
}

async function loadConsents() {
  const r = await oidc.api('/api/consents?limit=200', { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`Your consents could not be loaded (${r.status}).`);
  const consents = await r.json();
  const list = $('consents');
  list.replaceChildren();
  for (const c of consents) {
    const state = consentState(c);
    // The account's name as the directory had it when you consented, and the username you typed.
    const who = c.grantee.type !== 'user' ? `application ${c.grantee.id}`
      : c.grantee.name && c.grantee.name !== c.grantee.id ? `${c.grantee.name} (${c.grantee.id})` : c.grantee.id;
    const reach = c.studies?.length ? `${c.studies.length} stud${c.studies.length === 1 ? 'y' : 'ies'}` : 'all studies';
    const period = c.end ? `from ${day(c.start)} until ${day(new Date(new Date(c.end).getTime() - 1).toISOString())}`
      : `since ${day(c.start)}, until revoked`;
    const verb = c.decision === 'deny' ? 'may not see' : 'may see';
    list.append(el('li', { 'data-grantee': c.grantee.id, 'data-state': state },
      el('span', { class: 'what' },
        el('strong', {}, who),
        el('span', {}, `${verb} ${reach} ${period}`)),
      el('span', { class: `badge ${state.replace(/ /g, '-')}` }, state),
      state === 'active' || state === 'not yet active'
        ? el('button', { type: 'button', class: 'danger', 'aria-label': `Revoke access of ${who}`, onclick: e => revoke(c.id, e.currentTarget) }, 'Revoke')
        : null));
  }
  $('consents-empty').hidden = consents.length > 0;
}

async function grant(event) {
  event.preventDefault();
  showError('');
  const input = $('grantee');
  const username = input.value.trim();
  if (!username) {
    input.setAttribute('aria-invalid', 'true');
    showError("Enter the clinician's username.");
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  const body = { grantee: { type: 'user', id: username }, decision: 'permit' };
  if ($('end').value) body.end = $('end').value;
  const button = $('grant-button');
  button.disabled = true;
  try {
    const r = await oidc.api('/api/consents', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
    });
    if (r.status !== 201) throw new Error(await problem(r));
    const created = await r.json();
    $('grant').reset();
    $('status').textContent = `${created.grantee?.name || username} may now see your studies.`;
    await loadConsents();
  } catch (e) {
    showError(`Access was not granted: ${e.message}`);
  } finally {
    button.disabled = false;
  }
}

async function revoke(id, button) {
  showError('');
  button.disabled = true;
  try {
    const r = await oidc.api(`/api/consents/${encodeURIComponent(id)}/revoke`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ reason: 'revoked in the patient portal' }),
    });
    if (!r.ok && r.status !== 409) throw new Error(await problem(r));
    $('status').textContent = 'Access revoked.';
    await loadConsents();
  } catch (e) {
    button.disabled = false;
    showError(`Access was not revoked: ${e.message}`);
  }
}


async function loadShares() {
  const r = await oidc.api('/api/shares', { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`Your share links could not be loaded (${r.status}).`);
  const shares = await r.json();
  const list = $('shares');
  list.replaceChildren();
  for (const s of shares) {
    const reach = s.allStudies ? 'all your studies' : s.studies.map(uid => studyNames.get(uid) || 'a study').join(', ');
    const used = s.lastUsedAt ? `opened on ${s.devices} device${s.devices === 1 ? '' : 's'}, last ${dateTime(s.lastUsedAt)}` : 'not opened yet';
    const by = s.creatorKind === 'patient' ? '' : ` (shared by ${s.createdBy})`;
    list.append(el('li', { 'data-share-label': s.label, 'data-state': s.status },
      el('span', { class: 'what' },
        el('strong', {}, s.label),
        el('span', {}, `${reach}${by} — ${s.download ? 'view and download' : 'view only'}, until ${dateTime(s.expiresAt)}; ${used}`)),
      el('span', { class: `badge ${s.status}` }, s.status),
      s.status === 'active'
        ? el('button', { type: 'button', class: 'danger', 'aria-label': `Revoke the link for ${s.label}`, onclick: e => revokeShare(s.id, e.currentTarget) }, 'Revoke')
        : null));
  }
  $('shares-empty').hidden = shares.length > 0;
}

async function createShare(event) {
  event.preventDefault();
  showError('');
  const label = $('share-label').value.trim();
  const days = Number($('share-days').value);
  if (!label) {
    $('share-label').setAttribute('aria-invalid', 'true');
    showError('Say who receives the link.');
    return;
  }
  if (!(days >= 1 && days <= 30)) {
    showError('A link is valid for 1 to 30 days.');
    return;
  }
  const study = $('share-study').value;
  const body = { label, download: $('share-download').checked, expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() };
  if (study) body.studies = [study]; else body.allStudies = true;
  $('share-button').disabled = true;
  try {
    const r = await oidc.api('/api/shares', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
    });
    if (r.status !== 201) throw new Error(await problem(r));
    const created = await r.json();
    $('share-link').value = created.link;
    $('share-pin').value = created.pin;
    $('share-created').hidden = false;
    $('share').reset();
    $('status').textContent = `Link for ${label} created. Copy it and the PIN now: they are not shown again.`;
    await loadShares();
  } catch (e) {
    showError(`The link was not created: ${e.message}`);
  } finally {
    $('share-button').disabled = false;
  }
}

async function revokeShare(id, button) {
  showError('');
  button.disabled = true;
  try {
    const r = await oidc.api(`/api/shares/${encodeURIComponent(id)}/revoke`, { method: 'POST', headers: { Accept: 'application/json' } });
    if (!r.ok) throw new Error(await problem(r));
    $('share-created').hidden = true;
    $('status').textContent = 'Link revoked: it stops working at once.';
    await loadShares();
  } catch (e) {
    button.disabled = false;
    showError(`The link was not revoked: ${e.message}`);
  }
}

const actions = {
  SEARCH: 'Searched your studies', RETRIEVE: 'Viewed images', STORE: 'Stored images',
  CONSENT_CREATE: 'Recorded a consent', CONSENT_REVOKE: 'Revoked a consent', CONSENT_READ: 'Read your consents',
  BREAK_GLASS: 'Emergency access opened', BREAK_GLASS_REVIEW: 'Reviewed an emergency access', BREAK_GLASS_READ: 'Read an emergency access',
  AUDIT_READ: 'Read the audit trail',
  SHARE_CREATE: 'Created a share link', SHARE_REVOKE: 'Revoked a share link', SHARE_EXCHANGE: 'Opened a share link with its PIN',
};
const outcomes = { SUCCESS: 'Allowed', DENIED: 'Refused', NOT_FOUND: 'Refused', INVALID_REQUEST: 'Invalid request', FAILURE: 'Failed' };

async function loadAccessLog() {
  // Grouped: one row per who, application, study and action (a week of viewing is hundreds of requests).
  const r = await oidc.api('/api/me/access-log/summary?limit=100', { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`Your access log could not be loaded (${r.status}).`);
  const groups = await r.json();
  const rows = $('log-rows');
  rows.replaceChildren();
  for (const g of groups) {
    const what = actions[g.action] || g.action;
    const study = g.studyUid ? (studyNames.get(g.studyUid) || 'a study') : null;
    const when = g.count > 1 && g.first !== g.last
      ? [el('time', { datetime: g.last }, dateTime(g.last)), el('br'), el('small', {}, `${g.count} times since `),
        el('time', { datetime: g.first }, dateTime(g.first))]
      : el('time', { datetime: g.last }, dateTime(g.last));
    const ok = g.count - g.refused;
    const result = g.refused === 0 ? el('span', { class: 'badge' }, outcomes.SUCCESS)
      : ok === 0 ? el('span', { class: 'badge refused' }, outcomes.DENIED)
        : [el('span', { class: 'badge' }, `${outcomes.SUCCESS} ${ok}×`), ' ', el('span', { class: 'badge refused' }, `${outcomes.DENIED} ${g.refused}×`)];
    rows.append(el('tr', { class: g.breakGlass ? 'emergency' : null, 'data-username': g.username, 'data-action': g.action, 'data-break-glass': String(!!g.breakGlass), 'data-count': String(g.count) },
      el('td', { 'data-label': 'When' }, when),
      el('td', { 'data-label': 'Who' }, g.username || 'unknown', el('br'), el('small', {}, `via ${g.clientId || 'unknown application'}`)),
      el('td', { 'data-label': 'What' }, what, study ? ` — ${study}` : '',
        g.breakGlass ? [el('br'), el('span', { class: 'badge emergency' }, 'Emergency access (break the glass)'),
          g.breakGlassReason ? el('small', {}, ` Reason: ${g.breakGlassReason}`) : null] : null),
      el('td', { 'data-label': 'Result' }, result)));
  }
  $('log-empty').hidden = groups.length > 0;
}

async function main() {
  try {
    config = await (await fetch('config.json', { headers: { Accept: 'application/json' } })).json();
    oidc = new OidcClient({ authority: config.authority, clientId: config.clientId, redirectUri: new URL('./', window.location.href).href });
    oidc.onSessionEnded = () => oidc.login();
    if (!(await oidc.init())) {
      $('status').textContent = 'Taking you to the sign-in page…';
      await oidc.login();
      return;
    }
  } catch (e) {
    $('status').textContent = '';
    showError(e.message);
    return;
  }
  const claims = oidc.claims();
  $('user-name').textContent = [claims.given_name, claims.family_name].filter(Boolean).join(' ') || claims.preferred_username || '';
  $('who').hidden = false;
  $('sign-out').addEventListener('click', () => oidc.logout(new URL('./', window.location.href).href));
  $('grant').addEventListener('submit', grant);
  $('share').addEventListener('submit', createShare);
  $('log-refresh').addEventListener('click', () => loadAccessLog().catch(e => showError(e.message)));
  $('app').hidden = false;
  $('status').textContent = 'Loading…';
  const results = await Promise.allSettled([loadStudies().then(loadShares), loadConsents()]);
  await loadAccessLog().catch(e => results.push({ status: 'rejected', reason: e }));
  const failed = results.filter(r => r.status === 'rejected').map(r => r.reason.message);
  showError(failed.join(' '));
  $('status').textContent = '';
  document.body.dataset.ready = 'true';
}

main();
