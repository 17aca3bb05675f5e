// The page a share link opens (README "Share links"): no account, no Keycloak. The link's secret is
// in the URL fragment, which browsers never send; it is taken out of the address bar at once and kept
// in memory with the PIN, exchanged for a short-lived token, and exchanged again when the token ends
// (if the share was revoked, expired or locked meanwhile, the page says so). Only the shared studies
// are reachable with the token: the server decides, this page only shows what it is given.
import { el, first, dicomDate } from '../portal/dom.js';

const $ = id => document.getElementById(id);
const tag = { date: '00080020', modalities: '00080061', description: '00081030', studyUid: '0020000D',
  seriesUid: '0020000E', seriesDescription: '0008103E', modality: '00080060', sopUid: '00080018', instanceNumber: '00200013' };

const secret = window.location.hash.slice(1);
history.replaceState(null, '', window.location.pathname);
let pin = null;
let session = null;
const state = { study: null, instances: [], index: 0, objectUrl: null };

function showError(message) {
  $('error').textContent = message || '';
  $('error').hidden = !message;
}

/** The share ended (revoked, expired, locked) or never existed: say which, and show nothing else. */
function ended(body) {
  session = null;
  for (const id of ['unlock', 'studies-section', 'viewer', 'who']) $(id).hidden = true;
  $('ended-text').textContent = body?.message || 'This link does not work.';
  $('ended').dataset.reason = body?.error || 'unknown';
  $('ended').hidden = false;
  $('status').textContent = '';
  document.body.dataset.state = 'ended';
}

async function exchange() {
  const r = await fetch('/api/share-sessions', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ secret, pin }), referrerPolicy: 'no-referrer', cache: 'no-store',
  });
  const body = await r.json().catch(() => ({}));
  return { status: r.status, body };
}

/** A DICOMweb request with the share's token; a token that ended is exchanged again, once. */
async function api(path, accept) {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!session) {
      const { status, body } = await exchange();
      if (status !== 200) {
        ended(body);
        throw new Error('ended');
      }
      session = body;
    }
    const r = await fetch(path, { headers: { Authorization: `Bearer ${session.access_token}`, Accept: accept }, referrerPolicy: 'no-referrer' });
    if (r.status !== 401) return r;
    session = null;
  }
  throw new Error('ended');
}

async function unlock(event) {
  event.preventDefault();
  showError('');
  const input = $('pin');
  if (!/^[0-9]{8}$/.test(input.value.trim())) {
    input.setAttribute('aria-invalid', 'true');
    showError('The PIN has 8 digits.');
    return;
  }
  pin = input.value.trim();
  $('unlock-button').disabled = true;
  try {
    const { status, body } = await exchange();
    if (status === 401) {
      showError(`Wrong PIN. ${body.attemptsLeft} attempt${body.attemptsLeft === 1 ? '' : 's'} left.`);
      input.value = '';
      return;
    }
    if (status === 429) {
      showError('Too many attempts. Wait a minute and try again.');
      return;
    }
    if (status !== 200) {
      ended(body);
      return;
    }
    session = body;
    $('unlock').hidden = true;
    $('label').textContent = `Shared with ${body.label}`;
    $('who').hidden = false;
    await showStudies();
  } catch (e) {
    if (e.message !== 'ended') showError(`The images could not be opened: ${e.message}`);
  } finally {
    $('unlock-button').disabled = false;
  }
}

async function showStudies() {
  $('viewer').hidden = true;
  $('status').textContent = 'Loading…';
  const r = await api('/dicomweb/studies?includefield=StudyDescription,ModalitiesInStudy', 'application/dicom+json');
  const studies = r.status === 204 ? [] : await r.json();
  const list = $('studies');
  list.replaceChildren();
  for (const study of studies) {
    const uid = first(study, tag.studyUid);
    const description = first(study, tag.description) || 'Imaging study';
    const date = dicomDate(first(study, tag.date));
    list.append(el('li', { class: 'card', 'data-study-uid': uid },
      el('div', { class: 'body' },
        el('h3', {}, description),
        el('span', { class: 'meta' }, date),
        el('span', { class: 'meta' }, (study[tag.modalities]?.Value || []).join(', ')),
        el('button', { type: 'button', onclick: () => openStudy(uid, `${description} (${date})`) }, `View ${description}`))));
  }
  $('studies-section').hidden = false;
  $('status').textContent = studies.length ? '' : 'No studies are shared through this link any more.';
  document.body.dataset.state = 'studies';
}

async function openStudy(uid, title) {
  $('status').textContent = 'Loading…';
  const r = await api(`/dicomweb/studies/${encodeURIComponent(uid)}/series`, 'application/dicom+json');
  const series = r.status === 204 ? [] : await r.json();
  state.study = uid;
  const select = $('series');
  select.replaceChildren(...series.map(s => el('option', { value: first(s, tag.seriesUid) },
    `${first(s, tag.modality) || ''} ${first(s, tag.seriesDescription) || 'Series'}`.trim())));
  $('viewer-title').textContent = title;
  $('studies-section').hidden = true;
  $('viewer').hidden = false;
  if (series.length) await openSeries(select.value);
}

async function openSeries(seriesUid) {
  const r = await api(`/dicomweb/studies/${encodeURIComponent(state.study)}/series/${encodeURIComponent(seriesUid)}/instances`,
    'application/dicom+json');
  const instances = r.status === 204 ? [] : await r.json();
  instances.sort((a, b) => (first(a, tag.instanceNumber) || 0) - (first(b, tag.instanceNumber) || 0));
  state.series = seriesUid;
  state.instances = instances.map(i => first(i, tag.sopUid));
  state.index = 0;
  await showImage();
}

async function showImage() {
  const sop = state.instances[state.index];
  if (!sop) return;
  const path = `/dicomweb/studies/${encodeURIComponent(state.study)}/series/${encodeURIComponent(state.series)}/instances/${encodeURIComponent(sop)}`;
  const r = await api(`${path}/rendered`, 'image/jpeg');
  if (!r.ok) {
    showError(`This image could not be shown (${r.status}).`);
    return;
  }
  if (state.objectUrl) URL.revokeObjectURL(state.objectUrl);
  state.objectUrl = URL.createObjectURL(await r.blob());
  const image = $('image');
  image.alt = `Image ${state.index + 1} of ${state.instances.length}`;
  image.src = state.objectUrl;
  await image.decode().catch(() => {});
  $('position').textContent = `Image ${state.index + 1} of ${state.instances.length}`;
  $('previous').disabled = state.index === 0;
  $('next').disabled = state.index >= state.instances.length - 1;
  $('download').hidden = !session?.download;
  $('status').textContent = '';
  document.body.dataset.state = 'image';
}

async function download() {
  const sop = state.instances[state.index];
  const r = await api(`/dicomweb/studies/${encodeURIComponent(state.study)}/series/${encodeURIComponent(state.series)}/instances/${encodeURIComponent(sop)}`,
    'application/dicom');
  if (!r.ok) {
    showError(`The file could not be downloaded (${r.status}).`);
    return;
  }
  const url = URL.createObjectURL(await r.blob());
  const a = el('a', { href: url, download: `image-${state.index + 1}.dcm` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function guard(action) {
  return () => action().catch(e => { if (e.message !== 'ended') showError(e.message); });
}

$('unlock').addEventListener('submit', unlock);
$('series').addEventListener('change', guard(() => openSeries($('series').value)));
$('previous').addEventListener('click', guard(async () => { state.index = Math.max(0, state.index - 1); await showImage(); }));
$('next').addEventListener('click', guard(async () => { state.index = Math.min(state.instances.length - 1, state.index + 1); await showImage(); }));
$('download').addEventListener('click', guard(download));
$('back').addEventListener('click', guard(showStudies));
if (/^[A-Za-z0-9_-]{43}$/.test(secret)) {
  $('unlock').hidden = false;
  document.body.dataset.state = 'pin';
} else {
  ended({ error: 'incomplete', message: 'This link is incomplete. Open the whole link you were sent.' });
}
