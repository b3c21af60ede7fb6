/**
 * Planning-time benchmark of issue #14's four cases: Mixtral 8x7B on 8 DGX H100, DeepSeek-V3 on
 * 256 DGX H800-class nodes, Qwen3-235B-A22B on 32 DGX H100, Llama-3-405B at 131,072 tokens on
 * 2,048 H100 (256 DGX H100) and on 2,048 DGX H100 nodes. One run each (the search is deterministic), full strategy space.
 * Prints the candidates evaluated, amortised µs per evaluated candidate, and whether the answer
 * is exact or TRUNCATED by maxCandidates (issue #13's goal: < 2 s each, exact).
 */
import { pathToFileURL } from 'node:url';
import { buildModelGraph } from '../src/graph/index.js';
import type { TrainingConfig } from '../src/costmodel/index.js';
import {
  clusterFromPreset,
  customCluster,
  findModel,
  loadProfileCatalog,
} from '../src/hardware-profiles/index.js';
import { planTraining } from '../src/search/index.js';
import type { PlanningProblem } from '../src/search/index.js';
import { fastestProblem } from '../test/fixtures/planning.js';
import { overlappedTraining as training } from '../test/fixtures/training.js';

export function moeLongContextProblems(): [string, PlanningProblem][] {
  const catalog = loadProfileCatalog();
  const problem = (
    model: string,
    cluster: PlanningProblem['cluster'],
    t: TrainingConfig,
  ): PlanningProblem =>
    fastestProblem(buildModelGraph(findModel(catalog, model).spec, t.sequenceLength), cluster, t, {
      maxCandidates: 100_000,
    });
  return [
    [
      'Mixtral 8x7B, 8 × DGX H100, GBS 512 × 4K',
      problem('mixtral-8x7b', clusterFromPreset(catalog, 'dgx-h100', 8), training(512, 4096)),
    ],
    [
      'DeepSeek-V3, 256 × 8 H800, GBS 4096 × 4K, fp8',
      problem(
        'deepseek-v3',
        customCluster(catalog, { accelerator: 'nvidia-h800-sxm-80gb', gpusPerNode: 8, nodes: 256 }),
        { ...training(4096, 4096), precision: 'fp8' },
      ),
    ],
    [
      'Qwen3-235B-A22B, 32 × DGX H100, GBS 1024 × 4K',
      problem('qwen3-235b-a22b', clusterFromPreset(catalog, 'dgx-h100', 32), training(1024, 4096)),
    ],
    [
      'Llama-3-405B, 256 × DGX H100, GBS 64 × 131,072',
      problem('llama3-405b', clusterFromPreset(catalog, 'dgx-h100', 256), training(64, 131072)),
    ],
    [
      // "2,048 DGX H100" read as nodes: 16,384 GPUs (the line above reads it as GPUs).
      'Llama-3-405B, 2,048 × DGX H100, GBS 64 × 131,072',
      problem('llama3-405b', clusterFromPreset(catalog, 'dgx-h100', 2048), training(64, 131072)),
    ],
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [name, p] of moeLongContextProblems()) {
    const start = performance.now();
    const r = planTraining(p);
    const seconds = (performance.now() - start) / 1000;
    const s = r.best.strategy;
    const e = r.best.estimate;
    const exact = r.search.truncated ? 'TRUNCATED' : 'exact';
    const perCandidate = ((seconds * 1e6) / r.search.candidates).toFixed(0);
    console.log(
      `${name}: ${seconds.toFixed(2)} s, ${r.search.candidates} candidates (${perCandidate} µs/candidate), ${exact} → dp=${s.dp} tp=${s.tp} pp=${s.pp} cp=${s.cp} ep=${s.ep ?? 1} etp=${s.etp ?? 1} v=${s.virtualStages} mbs=${s.microBatchSize} rc=${s.recompute} zero=${s.zeroStage} ${s.schedule}; step ${e.stepTimeSeconds.toFixed(2)} s, MFU ${(100 * e.mfu).toFixed(1)}%, ${(e.tokensPerSecond / r.best.worldSize).toFixed(0)} tok/s/GPU, ${(e.peakMemoryBytesPerGpu / 2 ** 30).toFixed(1)} GiB`,
    );
  }
}
