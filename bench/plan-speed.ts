/**
 * Planning-time benchmark (issue #2): Llama-3-405B on 16,384 H100 (2,048 × DGX H100) with the full
 * strategy space; reports the median over runs and microseconds per evaluated candidate.
 */
import { pathToFileURL } from 'node:url';
import { clusterFromPreset } from '../src/hardware-profiles/index.js';
import { planTraining } from '../src/search/index.js';
import type { PlanningProblem } from '../src/search/index.js';
import { catalog, fastestProblem, fixedTraining, zooGraph } from '../test/fixtures/planning.js';

export interface PlanBenchResult {
  readonly name: string;
  readonly medianSeconds: number;
  readonly candidates: number;
  readonly microsecondsPerCandidate: number;
  readonly best: string;
}

export function benchPlan(name: string, problem: PlanningProblem, runs = 5): PlanBenchResult {
  const times: number[] = [];
  let result = planTraining(problem);
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = planTraining(problem);
    times.push((performance.now() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  const medianSeconds = times[Math.floor(times.length / 2)] ?? Number.NaN;
  const s = result.best.strategy;
  return {
    name,
    medianSeconds,
    candidates: result.search.candidates,
    microsecondsPerCandidate: (medianSeconds * 1e6) / result.search.candidates,
    best: `dp=${s.dp} tp=${s.tp} pp=${s.pp} v=${s.virtualStages} mbs=${s.microBatchSize} sp=${s.sequenceParallel} rc=${s.recompute} zero=${s.zeroStage} ${s.schedule} → ${result.best.estimate.stepTimeSeconds.toFixed(2)} s, MFU ${(100 * result.best.estimate.mfu).toFixed(1)}%`,
  };
}

export function llama405bProblem(): PlanningProblem {
  return fastestProblem(
    zooGraph('llama3-405b', 8192),
    clusterFromPreset(catalog, 'dgx-h100', 2048),
    fixedTraining(2048, 8192),
    { topK: 5, maxCandidates: 200_000 },
  );
}

function problemFor(
  model: string,
  preset: string,
  nodes: number,
  globalBatchSize: number,
  sequenceLength: number,
): PlanningProblem {
  return {
    ...llama405bProblem(),
    graph: zooGraph(model, sequenceLength),
    cluster: clusterFromPreset(catalog, preset, nodes),
    training: fixedTraining(globalBatchSize, sequenceLength),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = [
    benchPlan(
      'llama3-405b, 16,384 × H100 (2,048 × dgx-h100), gbs 2048, seq 8192',
      llama405bProblem(),
    ),
    benchPlan(
      'llama3-70b, 512 × H100 (64 × dgx-h100), gbs 1024, seq 8192',
      problemFor('llama3-70b', 'dgx-h100', 64, 1024, 8192),
    ),
    benchPlan(
      'gpt3-175b, 1,024 × A100 (128 × dgx-a100-80gb), gbs 1536, seq 2048',
      problemFor('gpt3-175b', 'dgx-a100-80gb', 128, 1536, 2048),
    ),
  ];
  console.log('planning time (median of 5 runs, full strategy space)');
  for (const r of results) {
    console.log(
      `- ${r.name}: ${(r.medianSeconds * 1000).toFixed(0)} ms, ${r.candidates} candidates, ${r.microsecondsPerCandidate.toFixed(1)} µs/candidate`,
    );
    console.log(`    best: ${r.best}`);
  }
}
