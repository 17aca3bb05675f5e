// Drives dicomgate with the npm dicomweb-client (the DICOMweb library OHIF uses), unmodified, with a
// bearer token: store, search at each level, retrieve instances, metadata, bulk data, frames and
// rendered images, and the per-patient access rule as a client sees it.
//
// Run by io.dicomgate.client.DicomwebClientIT, which starts dicomgate and writes the fixtures. By hand:
//   DICOMWEB_URL=http://localhost:8080/dicomweb TOKEN=<admin> TOKEN_NO_CONSENT=<clinician without consent> \
//   DICOM_DIR=<dir with manifest.json and the .dcm files it names, as DicomwebClientIT writes them> node --test
// EXPECT_RENDERED=1 turns the rendered/thumbnail tests from TODO (reported, never failing) into real ones.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import XMLHttpRequest from 'xhr2';
import dicomweb from 'dicomweb-client';

// The library is written for browsers; Node has no XMLHttpRequest, xhr2 provides one.
// Like a browser's (Fetch standard), it sends "Accept: */*" when the page sets no Accept header: the
// library relies on that for STOW and default rendered requests, and PS3.18 §8.7.7 makes a request
// without an Accept header a 406.
class BrowserLikeXMLHttpRequest extends XMLHttpRequest {
  setRequestHeader(name, value) {
    if (name.toLowerCase() === 'accept') this.acceptSet = true;
    super.setRequestHeader(name, value);
  }

  send(body) {
    if (!this.acceptSet) super.setRequestHeader('Accept', '*/*');
    return super.send(body);
  }
}
globalThis.XMLHttpRequest = BrowserLikeXMLHttpRequest;

const { DICOMwebClient } = dicomweb.api;

function env(name) {
  const value = process.env[name];
  assert.ok(value, `environment variable ${name} is required`);
  return value;
}

const url = env('DICOMWEB_URL');
const dir = env('DICOM_DIR');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const RENDERED = process.env.EXPECT_RENDERED === '1';
const renderedOptions = RENDERED
  ? {}
  : { todo: 'rendered/thumbnail resources are not merged on this branch; run with EXPECT_RENDERED=1 once they are' };

function client(token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  // verbose: false only silences the library's console logging of expected 404s and 204s.
  return withStatusInErrors(new DICOMwebClient({ url, headers, verbose: false }));
}

/** The library rejects with "request failed"; name the HTTP status and the start of the body instead. */
function withStatusInErrors(target) {
  return new Proxy(target, {
    get(object, property) {
      const member = object[property];
      if (typeof member !== 'function') return member;
      return (...args) => {
        const result = member.apply(object, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error) => {
          if (error.status !== undefined) {
            const body = error.response instanceof ArrayBuffer
              ? Buffer.from(error.response).toString('latin1')
              : JSON.stringify(error.response);
            error.message = `${property}: HTTP ${error.status} ${String(body ?? '').slice(0, 200)}`;
          }
          throw error;
        });
      };
    },
  });
}

const admin = client(env('TOKEN'));
const nobody = client(env('TOKEN_NO_CONSENT'));
const anonymous = client(null);

const byName = Object.fromEntries(manifest.instances.map((i) => [i.name, i]));
const { ct1, ct2, mf, jpeg } = byName;
const fileBytes = (instance) => new Uint8Array(readFileSync(join(dir, instance.file)));
const ids = (i) => ({ studyInstanceUID: i.studyUid, seriesInstanceUID: i.seriesUid, sopInstanceUID: i.sopUid });

const ANY_OCTETS = [{ mediaType: 'application/octet-stream', transferSyntaxUID: '*' }];
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

/** DICOM JSON attribute value (first one, or all with all = true). */
function value(dataset, tag, all = false) {
  const attribute = dataset[tag];
  assert.ok(attribute, `attribute ${tag} missing in ${JSON.stringify(dataset).slice(0, 300)}`);
  return all ? attribute.Value : attribute.Value?.[0];
}

function bytes(buffer) {
  assert.ok(buffer instanceof ArrayBuffer, `expected an ArrayBuffer, got ${buffer?.constructor?.name}`);
  return new Uint8Array(buffer);
}

function assertBytesEqual(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  assert.ok(Buffer.from(actual).equals(Buffer.from(expected)), `${what}: bytes differ`);
}

/** The promise must reject with this HTTP status; returns the error for further checks. */
async function rejectsWith(promise, status, what) {
  try {
    await promise;
  } catch (error) {
    assert.equal(error.status, status, `${what}: status`);
    return error;
  }
  assert.fail(`${what}: expected HTTP ${status}, the request succeeded`);
}

function isPart10(buffer) {
  const b = bytes(buffer);
  return b.length > 132 && Buffer.from(b.subarray(128, 132)).toString('latin1') === 'DICM';
}

/** Width and height of a JPEG (first SOFn marker) or PNG (IHDR); throws for anything else. */
function imageSize(buffer) {
  const b = Buffer.from(bytes(buffer));
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { type: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.subarray(0, 6).toString('latin1') === 'GIF89a' || b.subarray(0, 6).toString('latin1') === 'GIF87a') {
    return { type: 'gif', width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  }
  assert.equal(b.readUInt16BE(0), 0xffd8, 'not a JPEG, PNG or GIF');
  let pos = 2;
  while (pos < b.length) {
    const marker = b.readUInt16BE(pos);
    const length = b.readUInt16BE(pos + 2);
    if (marker >= 0xffc0 && marker <= 0xffcf && marker !== 0xffc4 && marker !== 0xffc8 && marker !== 0xffcc) {
      return { type: 'jpeg', height: b.readUInt16BE(pos + 5), width: b.readUInt16BE(pos + 7) };
    }
    pos += 2 + length;
  }
  assert.fail('JPEG without a frame header');
}

describe('dicomweb-client against dicomgate', () => {
  before(async () => {
    // One request per study; the second names its study in the path (PS3.18 §10.5: /studies/{study}).
    const studyA = [ct1, ct2, mf];
    for (const [instances, options] of [[studyA, {}], [[jpeg], { studyInstanceUID: jpeg.studyUid }]]) {
      const response = await admin.storeInstances({
        datasets: instances.map((i) => fileBytes(i).buffer),
        ...options,
      });
      const result = JSON.parse(response);
      assert.equal(result['00081198'], undefined, `STOW failures: ${response}`);
      const stored = value(result, '00081199', true).map((item) => value(item, '00081155'));
      assert.deepEqual(stored.sort(), instances.map((i) => i.sopUid).sort());
    }
  });

  describe('search (QIDO-RS)', () => {
    test('studies by PatientID and by StudyInstanceUID', async () => {
      const studies = await admin.searchForStudies({ queryParams: { PatientID: ct1.patientId } });
      assert.equal(studies.length, 1);
      assert.equal(value(studies[0], '0020000D'), ct1.studyUid);
      assert.equal(value(studies[0], '00201208'), 3, 'NumberOfStudyRelatedInstances');
      assert.deepEqual(value(studies[0], '00080061', true).sort(), ['CT', 'OT'], 'ModalitiesInStudy');

      const other = await admin.searchForStudies({
        queryParams: { StudyInstanceUID: jpeg.studyUid, includefield: 'StudyDescription' },
      });
      assert.deepEqual(other.map((s) => value(s, '0020000D')), [jpeg.studyUid]);
      assert.equal(value(other[0], '00081030'), 'Test study');
    });

    test('series of a study and all series', async () => {
      const series = await admin.searchForSeries({ studyInstanceUID: ct1.studyUid });
      assert.deepEqual(series.map((s) => value(s, '0020000E')).sort(), [ct1.seriesUid, mf.seriesUid].sort());
      const ctSeries = series.find((s) => value(s, '0020000E') === ct1.seriesUid);
      assert.equal(value(ctSeries, '00080060'), 'CT');
      assert.equal(value(ctSeries, '00201209'), 2, 'NumberOfSeriesRelatedInstances');

      const all = await admin.searchForSeries({ queryParams: { PatientID: jpeg.patientId } });
      assert.deepEqual(all.map((s) => value(s, '0020000E')), [jpeg.seriesUid]);
      assert.equal(value(all[0], '0020000D'), jpeg.studyUid, 'study attributes in all-series results');
    });

    test('instances of a series, of a study, and all instances', async () => {
      const ofSeries = await admin.searchForInstances({
        studyInstanceUID: ct1.studyUid,
        seriesInstanceUID: ct1.seriesUid,
      });
      assert.deepEqual(ofSeries.map((i) => value(i, '00080018')).sort(), [ct1.sopUid, ct2.sopUid].sort());
      assert.equal(value(ofSeries[0], '00080016'), ct1.sopClassUid);

      const ofStudy = await admin.searchForInstances({ studyInstanceUID: ct1.studyUid });
      assert.equal(ofStudy.length, 3);
      const multiFrame = ofStudy.find((i) => value(i, '00080018') === mf.sopUid);
      assert.ok(multiFrame, 'multi-frame instance found');
      assert.equal(value(multiFrame, '00280008'), mf.frames, 'NumberOfFrames');

      const all = await admin.searchForInstances({ queryParams: { SOPInstanceUID: jpeg.sopUid } });
      assert.deepEqual(all.map((i) => value(i, '00080018')), [jpeg.sopUid]);
      assert.equal(value(all[0], '0020000E'), jpeg.seriesUid);
    });

    test('nothing matching is an empty list (204)', async () => {
      assert.deepEqual(await admin.searchForStudies({ queryParams: { PatientID: 'NO-SUCH-PATIENT' } }), []);
    });
  });

  describe('retrieve (WADO-RS)', () => {
    // dicomweb-client 0.11.3 cannot pass mediaTypes to retrieveInstance/Series/Study: its
    // _getCommonMediaType yields "application/", never "application/dicom", so it throws before sending
    // (dcmjs-org/dicomweb-client PR #56, open). Without them it asks for multipart/related;
    // type="application/dicom", i.e. Explicit VR Little Endian (PS3.18 §8.7.3.5.2) — how OHIF calls it too.
    test('native instances are byte-identical to what was stored (stored as Explicit VR Little Endian)', async () => {
      for (const instance of [ct1, ct2, mf]) {
        const buffer = await admin.retrieveInstance(ids(instance));
        assertBytesEqual(bytes(buffer), fileBytes(instance), instance.name);
      }
    });

    test('a JPEG instance as Explicit VR Little Endian: Part 10 if the server decodes it, else 406, never 500', async () => {
      try {
        assert.ok(isPart10(await admin.retrieveInstance(ids(jpeg))), 'a Part 10 object');
      } catch (error) {
        assert.equal(error.status, 406, `JPEG instance as Explicit VR LE: ${error.message}`);
      }
    });

    test('series and study retrieve return every instance byte for byte', async () => {
      const series = await admin.retrieveSeries({ studyInstanceUID: ct1.studyUid, seriesInstanceUID: ct1.seriesUid });
      assert.equal(series.length, 2);
      const study = await admin.retrieveStudy({ studyInstanceUID: mf.studyUid });
      assert.equal(study.length, 3);
      const expected = [ct1, ct2, mf].map((i) => Buffer.from(fileBytes(i)).toString('base64')).sort();
      assert.deepEqual(study.map((b) => Buffer.from(bytes(b)).toString('base64')).sort(), expected);
    });

    test('study, series and instance metadata', async () => {
      const study = await admin.retrieveStudyMetadata({ studyInstanceUID: ct1.studyUid });
      assert.equal(study.length, 3);
      for (const dataset of study) {
        const instance = [ct1, ct2, mf].find((i) => i.sopUid === value(dataset, '00080018'));
        assert.ok(instance, `unexpected instance ${value(dataset, '00080018')}`);
        assert.equal(value(dataset, '0020000D'), instance.studyUid);
        assert.equal(value(dataset, '0020000E'), instance.seriesUid);
        assert.equal(value(dataset, '00100020'), instance.patientId);
        assert.equal(value(dataset, '00100010').Alphabetic, 'Doe^Jane');
        assert.equal(value(dataset, '00280010'), instance.rows);
        assert.equal(value(dataset, '00280011'), instance.columns);
        assert.equal(dataset['7FE00010'].vr, 'OW');
        assert.match(dataset['7FE00010'].BulkDataURI, /^https?:\/\//);
      }
      const series = await admin.retrieveSeriesMetadata({
        studyInstanceUID: mf.studyUid,
        seriesInstanceUID: mf.seriesUid,
      });
      assert.deepEqual(series.map((d) => value(d, '00080018')), [mf.sopUid]);
      const instance = await admin.retrieveInstanceMetadata(ids(jpeg));
      assert.equal(instance.length, 1);
      assert.equal(value(instance[0], '00280008'), jpeg.frames);
      assert.equal(instance[0]['7FE00010'].vr, 'OB');
    });

    test('Pixel Data bulk data through its BulkDataURI, one part per frame', async () => {
      const [metadata] = await admin.retrieveInstanceMetadata(ids(mf));
      const parts = await admin.retrieveBulkData({ BulkDataURI: metadata['7FE00010'].BulkDataURI });
      assert.equal(parts.length, mf.frames);
      parts.forEach((part, f) => assertBytesEqual(bytes(part), Buffer.from(mf.nativeFrames[f], 'base64'), `frame ${f + 1}`));
    });

    test('native frames, in the order asked, as application/octet-stream', async () => {
      const frames = await admin.retrieveInstanceFrames({ ...ids(mf), frameNumbers: [3, 1] });
      assert.equal(frames.length, 2);
      assertBytesEqual(bytes(frames[0]), Buffer.from(mf.nativeFrames[2], 'base64'), 'frame 3');
      assertBytesEqual(bytes(frames[1]), Buffer.from(mf.nativeFrames[0], 'base64'), 'frame 1');
      const [single] = await admin.retrieveInstanceFrames({ ...ids(ct1), frameNumbers: [1], mediaTypes: ANY_OCTETS });
      assertBytesEqual(bytes(single), Buffer.from(ct1.nativeFrames[0], 'base64'), 'ct1 frame 1');
      // 16-bit Little Endian: the pixel at row 3, column 5.
      assert.equal(new DataView(single).getUint16((3 * ct1.columns + 5) * 2, true), ct1.pixelAtRow3Column5);
    });

    test('JPEG frames as stored, as image/jpeg and as octet-stream; transfer-syntax=* (what OHIF asks for)', async () => {
      const stored = Buffer.from(fileBytes(jpeg));
      for (const mediaTypes of [[{ mediaType: 'image/jpeg', transferSyntaxUID: JPEG_BASELINE }], ANY_OCTETS]) {
        const frames = await admin.retrieveInstanceFrames({ ...ids(jpeg), frameNumbers: [2, 1], mediaTypes });
        assert.equal(frames.length, 2);
        for (const frame of frames) {
          const b = Buffer.from(bytes(frame));
          assert.equal(b.readUInt16BE(0), 0xffd8, 'JPEG SOI');
          assert.ok(stored.indexOf(b) > 0, 'frame is a fragment of the stored object');
          assert.deepEqual(imageSize(frame), { type: 'jpeg', width: jpeg.columns, height: jpeg.rows });
        }
        assert.ok(!Buffer.from(bytes(frames[0])).equals(Buffer.from(bytes(frames[1]))), 'frames differ');
      }
    });

    test('a frame beyond the last and an unknown instance are 404', async () => {
      await rejectsWith(admin.retrieveInstanceFrames({ ...ids(mf), frameNumbers: [mf.frames + 1] }), 404, 'frame');
      await rejectsWith(admin.retrieveInstance({ ...ids(ct1), sopInstanceUID: `${ct1.sopUid}.9` }), 404, 'instance');
    });
  });

  describe('rendered and thumbnails', () => {
    test('instance rendered as JPEG by default and as PNG when asked', renderedOptions, async () => {
      const [jpg] = await admin.retrieveInstanceRendered({ ...ids(ct1), mediaTypes: [{ mediaType: 'image/jpeg' }] });
      assert.deepEqual(imageSize(jpg), { type: 'jpeg', width: ct1.columns, height: ct1.rows });
      const [png] = await admin.retrieveInstanceRendered({ ...ids(ct1), mediaTypes: [{ mediaType: 'image/png' }] });
      assert.deepEqual(imageSize(png), { type: 'png', width: ct1.columns, height: ct1.rows });
      // No media type from the library (the browser's Accept: */*): the server picks its default, JPEG.
      const [any] = await admin.retrieveInstanceRendered(ids(ct1));
      assert.equal(imageSize(any).width, ct1.columns);
    });

    test('a frame of a multi-frame and of a JPEG instance rendered, with a viewport', renderedOptions, async () => {
      const [frame] = await admin.retrieveInstanceFramesRendered({
        ...ids(mf),
        frameNumbers: [2],
        mediaTypes: [{ mediaType: 'image/png' }],
      });
      assert.deepEqual(imageSize(frame), { type: 'png', width: mf.columns, height: mf.rows });
      const [small] = await admin.retrieveInstanceRendered({
        ...ids(jpeg),
        mediaTypes: [{ mediaType: 'image/jpeg' }],
        queryParams: { viewport: '8,8', window: '128,256,linear' },
      });
      assert.deepEqual(imageSize(small), { type: 'jpeg', width: 8, height: 8 });
    });

    test('instance thumbnail', renderedOptions, async () => {
      const [thumbnail] = await admin.retrieveInstanceThumbnail({ ...ids(ct1), mediaTypes: [{ mediaType: 'image/jpeg' }] });
      assert.equal(imageSize(thumbnail).type, 'jpeg');
    });

    test('rendered and thumbnail are 404 without consent', async () => {
      // Holds before and after rendered is merged: hidden patients answer like unknown resources.
      await rejectsWith(nobody.retrieveInstanceRendered({ ...ids(ct1), mediaTypes: [{ mediaType: 'image/jpeg' }] }), 404, 'rendered');
      await rejectsWith(nobody.retrieveInstanceThumbnail({ ...ids(ct1), mediaTypes: [{ mediaType: 'image/jpeg' }] }), 404, 'thumbnail');
    });
  });

  describe('access: a clinician without consent, and no token', () => {
    test('searches are empty at every level', async () => {
      assert.deepEqual(await nobody.searchForStudies({ queryParams: { PatientID: ct1.patientId } }), []);
      assert.deepEqual(await nobody.searchForStudies({ queryParams: { StudyInstanceUID: jpeg.studyUid } }), []);
      assert.deepEqual(await nobody.searchForSeries({ studyInstanceUID: ct1.studyUid }), []);
      assert.deepEqual(await nobody.searchForSeries({ queryParams: { PatientID: jpeg.patientId } }), []);
      assert.deepEqual(await nobody.searchForInstances({ studyInstanceUID: ct1.studyUid, seriesInstanceUID: ct1.seriesUid }), []);
      assert.deepEqual(await nobody.searchForInstances({ studyInstanceUID: ct1.studyUid }), []);
      assert.deepEqual(await nobody.searchForInstances({ queryParams: { SOPInstanceUID: jpeg.sopUid } }), []);
    });

    test('every retrieve is 404, exactly like an unknown UID', async () => {
      const unknown = { ...ids(ct1), studyInstanceUID: `${ct1.studyUid}.9` };
      const hidden = await rejectsWith(nobody.retrieveInstance(ids(ct1)), 404, 'instance');
      const missing = await rejectsWith(admin.retrieveInstance(unknown), 404, 'unknown');
      assert.deepEqual(Buffer.from(hidden.response ?? []), Buffer.from(missing.response ?? []), 'same body as unknown');
      await rejectsWith(nobody.retrieveStudy({ studyInstanceUID: ct1.studyUid }), 404, 'study');
      await rejectsWith(nobody.retrieveSeries(ids(ct1)), 404, 'series');
      await rejectsWith(nobody.retrieveInstance(ids(jpeg)), 404, 'jpeg instance');
      await rejectsWith(nobody.retrieveStudyMetadata({ studyInstanceUID: ct1.studyUid }), 404, 'study metadata');
      await rejectsWith(nobody.retrieveSeriesMetadata(ids(mf)), 404, 'series metadata');
      await rejectsWith(nobody.retrieveInstanceMetadata(ids(jpeg)), 404, 'instance metadata');
      await rejectsWith(nobody.retrieveInstanceFrames({ ...ids(mf), frameNumbers: [1] }), 404, 'frames');
      await rejectsWith(nobody.retrieveInstanceFrames({ ...ids(jpeg), frameNumbers: [1], mediaTypes: ANY_OCTETS }), 404, 'jpeg frames');
      const [metadata] = await admin.retrieveInstanceMetadata(ids(mf));
      await rejectsWith(nobody.retrieveBulkData({ BulkDataURI: metadata['7FE00010'].BulkDataURI }), 404, 'bulk data');
    });

    test('without a token everything is 401', async () => {
      await rejectsWith(anonymous.searchForStudies(), 401, 'search');
      await rejectsWith(anonymous.retrieveInstance(ids(ct1)), 401, 'retrieve');
      await rejectsWith(anonymous.storeInstances({ datasets: [fileBytes(ct1).buffer] }), 401, 'store');
    });
  });
});
