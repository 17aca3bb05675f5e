// Packages the OHIF Viewer (npm @ohif/app, which ships a built dist/) into dicomgate's static
// resources at build time; Maven runs it in generate-resources. Nothing is fetched at run time.
//
//   node src/main/viewer/package-viewer.mjs <output dir> <work dir>
//
// 1. `npm pack <package>@<version>` into the work dir (npm's cache makes later builds offline),
//    and the tarball's SHA-512 must equal viewer.json's integrity, else the build fails.
// 2. dist/ is copied without viewer.json's `exclude` list: `ort/` (136 MB of ONNX runtime for the
//    AI segmentation tools), OHIF's own sample app-config.js and google.js, the service worker
//    and hosting files. dicomgate serves /viewer/app-config.js itself (BrowserAppsResource).
// 3. The build assumes it is served at "/": index.html, the CSS, and webpack's public path
//    (`__webpack_require__.p = "/"`) are rewritten to basePath. Each rewrite must match, so a
//    new OHIF version that changes them fails the build instead of shipping a broken viewer.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [outDir, workDir] = process.argv.slice(2).map(p => path.resolve(p));
if (!outDir || !workDir) {
  console.error('usage: package-viewer.mjs <output dir> <work dir>');
  process.exit(2);
}
const spec = JSON.parse(fs.readFileSync(path.join(here, 'viewer.json'), 'utf8'));
const self = fs.readFileSync(fileURLToPath(import.meta.url));
const stamp = createHash('sha256').update(JSON.stringify(spec)).update(self).digest('hex');
const stampFile = path.join(outDir, '.packaged');

if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
  console.log(`[viewer] ${spec.package}@${spec.version} already packaged in ${outDir}`);
  process.exit(0);
}

const t0 = Date.now();
fs.mkdirSync(workDir, { recursive: true });
const tarball = path.join(workDir, `${spec.package.replace('@', '').replace('/', '-')}-${spec.version}.tgz`);
const integrityOf = file => 'sha512-' + createHash('sha512').update(fs.readFileSync(file)).digest('base64');
if (!fs.existsSync(tarball) || integrityOf(tarball) !== spec.integrity) {
  console.log(`[viewer] npm pack ${spec.package}@${spec.version}`);
  execFileSync('npm', ['pack', `${spec.package}@${spec.version}`, '--pack-destination', workDir, '--silent'],
    { stdio: ['ignore', 'ignore', 'inherit'] });
}
const actual = integrityOf(tarball);
if (actual !== spec.integrity) {
  fs.rmSync(tarball);
  throw new Error(`${tarball}: integrity ${actual} is not the pinned ${spec.integrity}`);
}

const unpacked = path.join(workDir, 'unpacked');
fs.rmSync(unpacked, { recursive: true, force: true });
fs.mkdirSync(unpacked);
execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--exclude=package/dist/ort', 'package/dist']);
const dist = path.join(unpacked, 'package', 'dist');

fs.rmSync(outDir, { recursive: true, force: true });
fs.cpSync(dist, outDir, {
  recursive: true,
  filter: src => !spec.exclude.includes(path.relative(dist, src).split(path.sep)[0]) || src === dist,
});

const base = spec.basePath;
function rewrite(file, replacements) {
  let text = fs.readFileSync(file, 'utf8');
  for (const [pattern, replacement, expected] of replacements) {
    const count = (text.match(pattern) || []).length;
    if (expected !== undefined ? count !== expected : count === 0) {
      throw new Error(`${path.basename(file)}: ${pattern} matched ${count} times; is this OHIF build still served from "/"?`);
    }
    text = text.replace(pattern, replacement);
  }
  fs.writeFileSync(file, text);
}

rewrite(path.join(outDir, 'index.html'), [
  [/window\.PUBLIC_URL="\/"/g, `window.PUBLIC_URL="${base}"`, 2],
  // The service worker loader fetches Workbox from a CDN; dicomgate serves no service worker.
  [/<script[^>]*init-service-worker\.js"><\/script>/g, '', 1],
  [/(href|src)="\/(?!\/)/g, `$1="${base}`],
]);
rewrite(path.join(outDir, 'silent-refresh.html'), [[/<script src="https:\/\/[^"]*"><\/script>\s*/g, '', 1]]);
for (const file of fs.readdirSync(outDir)) {
  const full = path.join(outDir, file);
  if (file.endsWith('.js') && fs.readFileSync(full, 'utf8').includes('__webpack_require__.p = "/";')) {
    rewrite(full, [[/__webpack_require__\.p = "\/";/g, `__webpack_require__.p = "${base}";`, 1]]);
  }
  if (file.endsWith('.css') && fs.readFileSync(full, 'utf8').includes('url(/')) {
    rewrite(full, [[/url\(\/(?!\/)/g, `url(${base}`]]);
  }
}
const app = fs.readdirSync(outDir).find(f => /^app\.bundle\..*\.js$/.test(f));
rewrite(path.join(outDir, app), [
  [/browserImportFunction\('\/dicom-microscopy-viewer\//g, `browserImportFunction('${base}dicom-microscopy-viewer/`, 1],
]);
for (const manifest of ['manifest.json']) {
  const file = path.join(outDir, manifest);
  if (fs.existsSync(file)) {
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"\/(?!\/)/g, `"${base}`));
  }
}

fs.rmSync(unpacked, { recursive: true, force: true });
fs.writeFileSync(stampFile, stamp);
console.log(`[viewer] packaged ${spec.package}@${spec.version} into ${outDir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
