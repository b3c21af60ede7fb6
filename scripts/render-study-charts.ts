/**
 * Renders the two study charts headless in Chromium for a visual check:
 *   npx tsx scripts/render-study-charts.ts [spec.json]  → /tmp/study-{pareto,scaling}.{svg,png}
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadProfileCatalog } from '../src/hardware-profiles/index.js';
import { createThreadPoolExecutor } from '../src/service/studies/executor/thread-pool.js';
import { paretoSvg, scalingSvg } from '../src/studies/index.js';
import { createStudyService } from '../src/service/studies/study-service.js';
import { openSqliteStore } from '../src/service/studies/store/sqlite.js';

const DEFAULT_SPEC = {
  axes: {
    models: ['llama3-8b'],
    clusters: ['dgx-h100', 'dgx-a100-80gb', 'dgx-h200', 'amd-mi300x-8'].map((preset) => ({
      preset,
      nodes: 1,
    })),
    nodes: [1, 2, 4, 8, 16],
    globalBatchSizes: [256, 512],
  },
  goal: { tokens: 1e11, deadlineDays: 5 },
  prices: { 'amd-mi300x-192gb': 2.5, 'nvidia-h200-sxm-141gb': 3.5 },
  training: { sequenceLength: 4096 },
  search: { maxCandidates: 500 },
};

const specPath = process.argv[2];
const spec: unknown =
  specPath === undefined ? DEFAULT_SPEC : JSON.parse(readFileSync(specPath, 'utf8'));
const catalog = loadProfileCatalog();
const executor = createThreadPoolExecutor(catalog);
const studies = createStudyService({
  catalog,
  store: await openSqliteStore({ filePath: null }),
  executor,
});
const { id } = await studies.submit(spec);
await studies.settled(id);
const results = (await studies.get(id))?.results ?? [];
await studies.close();
await executor.close();

for (const [name, svg, height] of [
  ['pareto', paretoSvg(results), 600],
  ['scaling', scalingSvg(results), 640],
] as const) {
  const svgPath = `/tmp/study-${name}.svg`;
  writeFileSync(svgPath, svg);
  execFileSync(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--screenshot=/tmp/study-${name}.png`,
      `--window-size=900,${height}`,
      `file://${svgPath}`,
    ],
    { stdio: 'ignore', timeout: 60_000 },
  );
  console.log(`wrote ${svgPath} and /tmp/study-${name}.png`);
}
