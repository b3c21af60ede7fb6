/**
 * Renders pipeline-schedule Gantt charts headless in Chromium (Debian `chromium`) for a visual
 * check, and fails if Chromium cannot render them:
 *   npx tsx scripts/render-schedule-svg.ts          → /tmp/schedule-<kind>.{svg,png} (small cases)
 *                                                     and docs/images/schedule-70b.png
 *   npx tsx scripts/render-schedule-svg.ts --plan   → only the plan's chart
 * The plan is README's request, llama3-70b on 64 DGX H100, global batch 1024, sequence 8192, with
 * pp=8 and 4 interleaved chunks pinned (64 micro-batches): the 4,096-action case of issue #16, kept
 * whatever the unpinned best plan becomes as the cost model changes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfileCatalog } from '../src/hardware-profiles/index.js';
import type { ScheduleKind } from '../src/schedule/index.js';
import { generateSchedule, scheduleToSvg, simulateSchedule } from '../src/schedule/index.js';
import { createPlanCache, createPlanner } from '../src/service/index.js';

/** The flags that work on the reference machines (/work/.library/env/machines/node.md). */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

/** Screenshots the SVG at its own size into pngPath. */
function screenshot(svg: string, svgPath: string, pngPath: string): void {
  writeFileSync(svgPath, svg);
  const size = /width="(\d+)" height="(\d+)"/.exec(svg);
  const profile = mkdtempSync(join(tmpdir(), 'strata-chromium-'));
  try {
    execFileSync(
      'chromium',
      [
        ...CHROMIUM_FLAGS,
        `--user-data-dir=${profile}`,
        `--window-size=${size?.[1] ?? 1400},${size?.[2] ?? 520}`,
        `--screenshot=${pngPath}`,
        `file://${svgPath}`,
      ],
      { stdio: 'ignore' },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`${svgPath} → ${pngPath} (${statSync(pngPath).size} bytes)`);
}

const cases: { kind: ScheduleKind; virtualStages?: number; slices?: number }[] = [
  { kind: '1f1b' },
  { kind: 'interleaved-1f1b', virtualStages: 2 },
  { kind: 'zb-h1' },
  { kind: 'zb-v' },
  { kind: 'seq-slice-1f1b', slices: 2 },
];

function renderSmallCases(): void {
  for (const c of cases) {
    const schedule = generateSchedule({ numRanks: 4, numMicroBatches: 8, ...c });
    const n = schedule.numStages;
    const perChunk = 1e-3 / schedule.chunksPerRank;
    const result = simulateSchedule(schedule, {
      forwardSeconds: Array.from({ length: n }, () => perChunk),
      backwardInputSeconds: Array.from({ length: n }, () => perChunk),
      backwardWeightSeconds: Array.from({ length: n }, () => perChunk),
      p2pSeconds: 5e-5,
    });
    screenshot(
      scheduleToSvg(schedule, result),
      `/tmp/schedule-${c.kind}.svg`,
      `/tmp/schedule-${c.kind}.png`,
    );
  }
}

async function renderPlan(): Promise<void> {
  const planner = createPlanner({
    catalog: loadProfileCatalog(),
    pool: undefined,
    cache: createPlanCache(),
  });
  const { id } = await planner.plan({
    model: 'llama3-70b',
    cluster: { preset: 'dgx-h100', nodes: 64 },
    training: { globalBatchSize: 1024, sequenceLength: 8192 },
    search: { topK: 0, constraints: { pipelineParallel: [8], virtualStages: [4] } },
  });
  const { body } = await planner.planSchedule(id, 'svg', undefined);
  screenshot(
    Buffer.from(body).toString('utf8'),
    '/tmp/schedule-70b.svg',
    'docs/images/schedule-70b.png',
  );
}

if (!process.argv.includes('--plan')) renderSmallCases();
await renderPlan();
