/**
 * Renders pipeline-schedule Gantt charts headless in Chromium (Debian `chromium`) for a visual
 * check, and fails if Chromium cannot render them:
 *   npx tsx scripts/render-schedule-svg.ts   → /tmp/schedule-<kind>.{svg,png}
 */
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import type { ScheduleKind } from '../src/schedule/index.js';
import { generateSchedule, scheduleToSvg, simulateSchedule } from '../src/schedule/index.js';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--hide-scrollbars',
  '--window-size=1400,520',
];

const cases: { kind: ScheduleKind; virtualStages?: number; slices?: number }[] = [
  { kind: '1f1b' },
  { kind: 'interleaved-1f1b', virtualStages: 2 },
  { kind: 'zb-h1' },
  { kind: 'zb-v' },
  { kind: 'seq-slice-1f1b', slices: 2 },
];

for (const c of cases) {
  const p = 4;
  const m = 8;
  const schedule = generateSchedule({ numRanks: p, numMicroBatches: m, ...c });
  const n = schedule.numStages;
  const perChunk = 1e-3 / schedule.chunksPerRank;
  const result = simulateSchedule(schedule, {
    forwardSeconds: Array.from({ length: n }, () => perChunk),
    backwardInputSeconds: Array.from({ length: n }, () => perChunk),
    backwardWeightSeconds: Array.from({ length: n }, () => perChunk),
    p2pSeconds: 5e-5,
  });
  const svgPath = `/tmp/schedule-${c.kind}.svg`;
  const pngPath = `/tmp/schedule-${c.kind}.png`;
  writeFileSync(svgPath, scheduleToSvg(schedule, result));
  execFileSync('chromium', [...CHROMIUM_FLAGS, `--screenshot=${pngPath}`, `file://${svgPath}`], {
    stdio: 'ignore',
  });
  console.log(`${c.kind}: ${svgPath} → ${pngPath} (${statSync(pngPath).size} bytes)`);
}
