/**
 * What each framework's launch configuration (src/export) reproduces exactly: the search generates
 * only these strategies (src/search/enumerate.ts), so every plan runs as emitted (issue #16).
 * Kept beside the plan type, like pipeline-layout.ts, because both search/ and export/ read it.
 *
 * Upstream versions these rules were read from (the commits of test/fixtures/upstream/):
 *  - Megatron-LM d98e8a64ddf34856e74b24714e3bedb2f5a39553;
 *  - DeepSpeed edaa7221267243c7be7fb49c5d5f5c4fb97b4641;
 *  - torchtitan b5bcd76c66d0acb1a08b176d9639425bc55e0b2a (assets/version.txt 0.2.2).
 */
import type { Framework, Strategy } from '../costmodel/index.js';
import { PlanningError } from '../costmodel/index.js';
import type { TransformerSpec } from '../model-spec/index.js';

/** torchtitan's CLI options that fix the pipeline layer split (ParallelismConfig). */
export interface TorchtitanSplitOptions {
  /** --parallelism.pipeline_parallel_layers_per_stage */
  readonly layersPerStage: number;
  /** --parallelism.pipeline_parallel_first_stage_less_layers (the embedding's weight) */
  readonly firstStageLessLayers: number;
  /** --parallelism.pipeline_parallel_last_stage_less_layers (norm + LM head's weight) */
  readonly lastStageLessLayers: number;
}

/**
 * Transformer layers per stage that torchtitan builds from the CLI alone, or the message it raises.
 * Port of `_generate_llm_fqn_per_model_part` (torchtitan/distributed/pipeline_parallel.py):
 * E = L + first + last effective layers, base = ⌊E/S⌋, the first E mod S stages get one more,
 * then the first stage gives up `first` and the last `last` layers to the embedding / LM head.
 * The stage count is `_get_pipeline_metadata`'s ⌈E / layersPerStage⌉.
 */
export function torchtitanLayerSplit(
  numLayers: number,
  o: TorchtitanSplitOptions,
): number[] | string {
  const effective = numLayers + o.firstStageLessLayers + o.lastStageLessLayers;
  return torchtitanStageSplit(numLayers, Math.ceil(effective / o.layersPerStage), o);
}

/** `_generate_llm_fqn_per_model_part` for a given stage count (layersPerStage unused). */
export function torchtitanStageSplit(
  numLayers: number,
  stages: number,
  o: Omit<TorchtitanSplitOptions, 'layersPerStage'>,
): number[] | string {
  const effective = numLayers + o.firstStageLessLayers + o.lastStageLessLayers;
  if (stages < 1) return 'Number of stages must be at least 1';
  if (stages === 1) return [numLayers];
  if (stages > effective)
    return `Number of stages (${stages}) cannot be greater than effective layers (${effective})`;
  const base = Math.floor(effective / stages);
  const extra = effective % stages;
  if (base === 0) return 'Configuration would result in empty stages';
  if (o.firstStageLessLayers > base)
    return `input_weight (${o.firstStageLessLayers}) exceeds minimum layers per stage (${base})`;
  if (o.lastStageLessLayers > base)
    return `output_weight (${o.lastStageLessLayers}) exceeds minimum layers per stage (${base})`;
  let left = numLayers;
  return Array.from({ length: stages }, (_, k) => {
    const share =
      base +
      (k < extra ? 1 : 0) -
      (k === 0 ? o.firstStageLessLayers : 0) -
      (k === stages - 1 ? o.lastStageLessLayers : 0);
    // Upstream adds layers only while `current_layer < num_layers`.
    const taken = Math.min(share, left);
    left -= taken;
    return taken;
  });
}

/**
 * The CLI options that make torchtitan build exactly `split` (layers per stage, pipeline order),
 * or null when no non-negative first/last weights and layers-per-stage produce it. Tries every
 * base ⌊E/S⌋ and remainder E mod S: they fix both weights, and the middle stages must match.
 */
export function torchtitanSplitOptions(
  split: readonly number[],
  numLayers: number,
): TorchtitanSplitOptions | null {
  const stages = split.length;
  if (stages < 2 || split.reduce((a, b) => a + b, 0) !== numLayers) return null;
  const first = split[0] ?? 0;
  const last = split[stages - 1] ?? 0;
  const maxLayers = Math.max(...split);
  for (let base = 1; base <= maxLayers + 1; base++) {
    for (let extra = 0; extra < stages; extra++) {
      const firstStageLessLayers = base + (extra > 0 ? 1 : 0) - first;
      const lastStageLessLayers = base + (stages - 1 < extra ? 1 : 0) - last;
      if (firstStageLessLayers < 0 || lastStageLessLayers < 0) continue;
      const effective = numLayers + firstStageLessLayers + lastStageLessLayers;
      if (effective !== base * stages + extra) continue;
      // ⌈E / lps⌉ = S holds for lps = ⌈E/S⌉ exactly when ⌈E/S⌉·(S − 1) < E.
      const layersPerStage = Math.ceil(effective / stages);
      if (layersPerStage * (stages - 1) >= effective) continue;
      const o = { layersPerStage, firstStageLessLayers, lastStageLessLayers };
      const built = torchtitanLayerSplit(numLayers, o);
      if (typeof built !== 'string' && built.every((n, k) => n === split[k])) return o;
    }
  }
  return null;
}

/** Layers per pipeline chunk in pipeline order (the even split spelled out). */
export function chunkSplit(s: Strategy, numLayers: number): number[] {
  const chunks = s.pp * s.virtualStages;
  return s.layersPerStage === null
    ? Array.from({ length: chunks }, () => numLayers / chunks)
    : [...s.layersPerStage];
}

/**
 * Can the framework's launch config recompute only the first N layers of each chunk? Megatron-LM
 * only (--recompute-method block --recompute-num-layers N). DeepSpeed's PipelineModule checkpoints
 * every `activation_checkpoint_interval` layers of a stage (deepspeed/runtime/pipe/module.py
 * `forward`); torchtitan's FullAC wraps every transformer block
 * (torchtitan/distributed/activation_checkpoint.py `ActivationCheckpointing.apply`).
 */
export function recomputesLayerSubset(framework: Framework): boolean {
  return framework === 'megatron';
}

/**
 * Port of DeepSpeed's `partition_balanced` (deepspeed/runtime/utils.py): the linear-partition DP
 * minimising (largest − smallest) part weight, ties to the later cut (`>=`), infinities as numpy's.
 * @returns part boundaries, length numParts + 1 (part p holds items [parts[p], parts[p+1]))
 */
export function partitionBalanced(weights: readonly number[], numParts: number): number[] {
  const n = weights.length;
  const m = numParts;
  // partition_uniform for n ≤ m: boundaries min(p, n).
  if (n <= m) return Array.from({ length: m + 1 }, (_, p) => Math.min(p, n));
  // Flat (n + 1) × (m + 1) tables, row i at i·w. Entry (k, j − 1) is finite exactly when
  // k ≥ j − 1 (j − 1 ≥ 1) or k = j − 1 = 0, and a cut from an infinite entry costs +∞, which
  // never displaces the finite cost some k ≥ j − 1 gives: only those k are tried.
  const w = m + 1;
  const dpMax = new Float64Array((n + 1) * w).fill(Infinity);
  const dpMin = new Float64Array((n + 1) * w).fill(Infinity);
  const dpCost = new Float64Array((n + 1) * w).fill(Infinity);
  const position = new Int32Array((n + 1) * w);
  const prefix = new Float64Array(n + 1);
  weights.forEach((weight, i) => (prefix[i + 1] = (prefix[i] ?? 0) + weight));
  dpMax[0] = 0;
  dpCost[0] = 0;
  for (let i = 1; i <= n; i++) {
    const prefixI = prefix[i] ?? 0;
    for (let j = 1; j <= Math.min(i, m); j++) {
      const at = i * w + j;
      let best = Infinity;
      for (let k = j - 1; k < i; k++) {
        const sum = prefixI - (prefix[k] ?? 0);
        const from = k * w + j - 1;
        const maxSum = Math.max(dpMax[from] ?? Infinity, sum);
        const minSum = Math.min(dpMin[from] ?? Infinity, sum);
        const cost = maxSum - minSum;
        if (best >= cost) {
          best = cost;
          dpMax[at] = maxSum;
          dpMin[at] = minSum;
          position[at] = k;
        }
      }
      dpCost[at] = best;
    }
  }
  const parts = [n];
  for (let j = m; j >= 1; j--) parts.push(position[(parts[parts.length - 1] ?? 0) * w + j] ?? 0);
  return parts.reverse();
}

/**
 * Transformer layers per stage DeepSpeed builds with `partition_method='type:<transformer layer>'`
 * (binary weights, `_partition_layers`) over the layer list the export documents: embedding, the
 * transformer layers, final norm, LM head.
 */
export function deepspeedLayerSplit(numLayers: number, numStages: number): number[] {
  const weights = [0, ...Array.from({ length: numLayers }, () => 1), 0, 0];
  const parts = partitionBalanced(weights, numStages);
  return Array.from({ length: numStages }, (_, p) =>
    weights.slice(parts[p], parts[p + 1]).reduce((a, b) => a + b, 0),
  );
}

/**
 * deepspeedLayerSplit for one model, memoised by stage count: the O(n²·m) partition runs once per
 * stage count of a planning request instead of once per candidate (owned by the caller, no
 * module state).
 */
export function memoisedDeepspeedSplit(numLayers: number): (stages: number) => readonly number[] {
  const splits = new Map<number, readonly number[]>();
  return (stages) => {
    const known = splits.get(stages);
    if (known !== undefined) return known;
    const split = deepspeedLayerSplit(numLayers, stages);
    splits.set(stages, split);
    return split;
  };
}

/** Why a strategy is not reproduced exactly, and the strategy field at fault. */
export interface Inexpressible {
  /** A `search.rejected` reason. */
  readonly reason: string;
  readonly field: keyof Strategy;
}

const why = (reason: string, field: keyof Strategy): Inexpressible => ({ reason, field });

function megatronReason(s: Strategy): Inexpressible | null {
  // Megatron-LM runs 1F1B, interleaved when virtual stages > 1
  // (megatron/core/pipeline_parallel/schedules.py get_forward_backward_func); no other flag.
  if (s.pp > 1 && s.schedule !== '1f1b' && s.schedule !== 'interleaved-1f1b')
    return why('megatron-cannot-run-schedule', 'schedule');
  return null;
}

function deepspeedReason(
  s: Strategy,
  numLayers: number,
  split: (stages: number) => readonly number[],
): Inexpressible | null {
  // PipelineEngine runs TrainSchedule (1F1B), one stage per rank (deepspeed/runtime/pipe/schedule.py).
  if (s.pp > 1 && s.schedule !== '1f1b') return why('deepspeed-cannot-run-schedule', 'schedule');
  if (s.pp > 1 && s.virtualStages > 1) return why('deepspeed-cannot-run-schedule', 'virtualStages');
  // The one split partition_method='type:<layer>' gives (deepspeed/runtime/pipe/module.py).
  if (s.pp > 1 && s.virtualStages === 1) {
    const want = split(s.pp);
    if (chunkSplit(s, numLayers).some((n, k) => n !== want[k]))
      return why('deepspeed-split-differs', 'layersPerStage');
  }
  // AutoTP shards linears only; norms and dropout are not split along the sequence
  // (Megatron-style SP is Megatron-DeepSpeed's --sequence-parallel, Ulysses is a different thing).
  if (s.tp > 1 && s.sequenceParallel)
    return why('deepspeed-no-sequence-parallel', 'sequenceParallel');
  if (s.cp > 1) return why('deepspeed-no-context-parallel', 'cp');
  // ds_config has no selective (attention-core) recompute (activation_checkpointing/config.py).
  if (s.recompute === 'selective') return why('deepspeed-no-selective-recompute', 'recompute');
  if (s.recompute === 'full' && s.recomputeLayers !== null)
    return why('deepspeed-no-partial-recompute', 'recomputeLayers');
  return null;
}

function torchtitanReason(s: Strategy, numLayers: number): Inexpressible | null {
  // SelectiveAC is a per-op policy that saves matmul and SDPA outputs, the opposite of recomputing
  // the attention core (torchtitan/distributed/activation_checkpoint.py _get_default_save_ops).
  if (s.recompute === 'selective')
    return why('torchtitan-no-attention-core-recompute', 'recompute');
  if (s.recompute === 'full' && s.recomputeLayers !== null)
    return why('torchtitan-no-partial-recompute', 'recomputeLayers');
  // Each slice would run as its own micro-batch: attention would not see the earlier slices.
  if (s.schedule === 'seq-slice-1f1b' && s.sequenceSlices > 1)
    return why('torchtitan-seq-slice-changes-attention', 'schedule');
  if (s.pp > 1 && torchtitanSplitOptions(chunkSplit(s, numLayers), numLayers) === null)
    return why('torchtitan-cannot-split-so', 'layersPerStage');
  return torchtitanFoldedReason(s);
}

/**
 * torchtitan's CP and EP (parallel_dims.py ParallelDims._validate; PyTorch's context_parallel):
 * K/V are all-gathered (_ContextParallelOptions.rotate_method = ALL_GATHER, no torchtitan option
 * changes it); experts have no tensor-parallel degree of their own; ep divides the "sparse region"
 * dp_shard · cp · tp, where dp_shard is the FSDP shard group (1 under DDP, ZeRO-0).
 */
function torchtitanFoldedReason(s: Strategy): Inexpressible | null {
  if (s.cp > 1 && s.cpComm !== 'all-gather') return why('torchtitan-cp-is-all-gather', 'cpComm');
  if ((s.etp ?? 1) > 1) return why('torchtitan-no-expert-tensor-parallel', 'etp');
  const dpShard = s.zeroStage >= 1 ? (s.dpShard ?? s.dp) : 1;
  if ((dpShard * s.cp * s.tp) % (s.ep ?? 1) !== 0)
    return why('torchtitan-ep-not-dividing-shard-cp-tp', 'ep');
  return null;
}

/**
 * Why the framework's exported launch config would not run this strategy exactly as planned;
 * null when it does. `deepspeedSplit` may memoise deepspeedLayerSplit(numLayers, ·).
 */
export function inexpressible(
  framework: Framework,
  s: Strategy,
  numLayers: number,
  deepspeedSplit: (stages: number) => readonly number[] = (n) => deepspeedLayerSplit(numLayers, n),
): Inexpressible | null {
  switch (framework) {
    case 'megatron':
      return megatronReason(s);
    case 'deepspeed':
      return deepspeedReason(s, numLayers, deepspeedSplit);
    case 'fsdp':
      return torchtitanReason(s, numLayers);
  }
}

/** inexpressible(...)?.reason: the `search.rejected` reason, or null. */
export function inexpressibleReason(
  framework: Framework,
  s: Strategy,
  numLayers: number,
): string | null {
  return inexpressible(framework, s, numLayers)?.reason ?? null;
}

/**
 * A model part only some frameworks build: multi-token prediction is Megatron-Core's
 * MultiTokenPredictionBlock (--mtp-num-layers); torchtitan's and DeepSpeed's launch configs have
 * no such module. PlanningError 'unsupported' (HTTP 422) naming training.framework.
 */
export function checkFrameworkBuildsModel(spec: TransformerSpec, framework: Framework): void {
  const mtp = spec.mtpLayers ?? 0;
  if (mtp === 0 || framework === 'megatron') return;
  throw new PlanningError(
    'unsupported',
    `${framework} has no multi-token prediction, and the model trains ${mtp} MTP depth(s) (DeepSeek-V3 §2.2; Megatron --mtp-num-layers): plan with framework megatron, or describe the shape with transformer.mtpLayers 0`,
    'training.framework',
    { framework, mtpLayers: mtp },
  );
}
