/**
 * Planning time per framework (issue #13): GPT-3 175B on 1,536 A100 (192 × DGX A100 80GB, global
 * batch 1536, seq 2048) and Llama-3-405B on 16,384 H100 (2,048 × DGX H100, global batch 2048, seq
 * 8192), full strategy space, for megatron, deepspeed and fsdp. Prints the median over runs
 * after a warm-up run (BENCH_RUNS, default 3; a case over 10 s reports its one run), the
 * candidates evaluated, amortised µs per evaluated candidate and whether the answer is exact (no
 * cap hit). Numbers only; goal < 2 s each.
 */
import { pathToFileURL } from 'node:url';
import type { Framework } from '../src/costmodel/index.js';
import { buildModelGraph } from '../src/graph/index.js';
import {
  clusterFromPreset,
  findModel,
  loadProfileCatalog,
} from '../src/hardware-profiles/index.js';
import { planTraining } from '../src/search/index.js';
import type { PlanningProblem } from '../src/search/index.js';
import { llama405bProblem } from './plan-speed.js';

const FRAMEWORKS: readonly Framework[] = ['megatron', 'deepspeed', 'fsdp'];
const SLOW_SECONDS = 10;

function problem(
  model: string,
  preset: string,
  nodes: number,
  globalBatchSize: number,
  sequenceLength: number,
  framework: Framework,
): PlanningProblem {
  const catalog = loadProfileCatalog();
  const base = llama405bProblem();
  return {
    ...base,
    graph: buildModelGraph(findModel(catalog, model).spec, sequenceLength),
    cluster: clusterFromPreset(catalog, preset, nodes),
    training: { ...base.training, globalBatchSize, sequenceLength, framework },
    maxCandidates: 1_000_000,
  };
}

const CASES: readonly { name: string; args: [string, string, number, number, number] }[] = [
  { name: 'gpt3-175b, 1,536 × A100', args: ['gpt3-175b', 'dgx-a100-80gb', 192, 1536, 2048] },
  { name: 'llama3-405b, 16,384 × H100', args: ['llama3-405b', 'dgx-h100', 2048, 2048, 8192] },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  console.log(`planning time per framework (median of ${runs} runs, full strategy space)`);
  for (const c of CASES) {
    for (const framework of FRAMEWORKS) {
      const p = problem(...c.args, framework);
      // The first run warms the JIT up; a case slower than SLOW_SECONDS is reported from it alone
      // (a median would take minutes).
      let started = performance.now();
      let result = planTraining(p);
      const first = (performance.now() - started) / 1000;
      const times: number[] = first > SLOW_SECONDS ? [first] : [];
      for (let i = 0; i < runs && first <= SLOW_SECONDS; i++) {
        started = performance.now();
        result = planTraining(p);
        times.push((performance.now() - started) / 1000);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
      const s = result.best.strategy;
      console.log(
        `- ${c.name}, ${framework}: ${(median * 1000).toFixed(0)} ms (${times.length} run${times.length === 1 ? '' : 's'}), ${result.search.candidates} candidates evaluated, ${((median * 1e6) / result.search.candidates).toFixed(1)} µs/candidate, ${result.search.truncated ? 'TRUNCATED' : 'exact'}; best dp=${s.dp} tp=${s.tp} pp=${s.pp} v=${s.virtualStages} mbs=${s.microBatchSize} rc=${s.recompute} zero=${s.zeroStage} ${s.schedule} → ${result.best.estimate.stepTimeSeconds.toFixed(3)} s`,
      );
    }
  }
}
