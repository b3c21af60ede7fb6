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
import type { Framework, Strategy } from '../costmodel/strategy.js';

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

const isUneven = (s: Strategy, numLayers: number): boolean =>
  chunkSplit(s, numLayers).some((n) => n !== numLayers / (s.pp * s.virtualStages));

function megatronReason(s: Strategy): string | null {
  // Megatron-LM runs 1F1B, interleaved when virtual stages > 1
  // (megatron/core/pipeline_parallel/schedules.py get_forward_backward_func); no other flag.
  if (s.pp > 1 && s.schedule !== '1f1b' && s.schedule !== 'interleaved-1f1b')
    return 'megatron-cannot-run-schedule';
  return null;
}

function deepspeedReason(s: Strategy, numLayers: number): string | null {
  // PipelineEngine runs TrainSchedule (1F1B), one stage per rank (deepspeed/runtime/pipe/schedule.py).
  if (s.pp > 1 && (s.schedule !== '1f1b' || s.virtualStages > 1))
    return 'deepspeed-cannot-run-schedule';
  // partition_method 'type:<layer>' balances transformer layers only; an uneven split has no
  // partition_method (deepspeed/runtime/pipe/module.py _partition_layers).
  if (s.pp > 1 && isUneven(s, numLayers)) return 'deepspeed-cannot-split-unevenly';
  // AutoTP shards linears only; norms and dropout are not split along the sequence
  // (Megatron-style SP is Megatron-DeepSpeed's --sequence-parallel, Ulysses is a different thing).
  if (s.tp > 1 && s.sequenceParallel) return 'deepspeed-no-sequence-parallel';
  if (s.cp > 1) return 'deepspeed-no-context-parallel';
  // ds_config has no selective (attention-core) recompute (activation_checkpointing/config.py).
  if (s.recompute === 'selective') return 'deepspeed-no-selective-recompute';
  if (s.recompute === 'full' && s.recomputeLayers !== null) return 'deepspeed-no-partial-recompute';
  return null;
}

function torchtitanReason(s: Strategy, numLayers: number): string | null {
  // SelectiveAC is a per-op policy that saves matmul and SDPA outputs, the opposite of recomputing
  // the attention core (torchtitan/distributed/activation_checkpoint.py _get_default_save_ops).
  if (s.recompute === 'selective') return 'torchtitan-no-attention-core-recompute';
  if (s.recompute === 'full' && s.recomputeLayers !== null)
    return 'torchtitan-no-partial-recompute';
  // Each slice would run as its own micro-batch: attention would not see the earlier slices.
  if (s.schedule === 'seq-slice-1f1b' && s.sequenceSlices > 1)
    return 'torchtitan-seq-slice-changes-attention';
  if (s.pp > 1 && torchtitanSplitOptions(chunkSplit(s, numLayers), numLayers) === null)
    return 'torchtitan-cannot-split-so';
  return null;
}

/**
 * Why the framework's exported launch config would not run this strategy exactly as planned, as
 * a `search.rejected` reason; null when it does.
 */
export function inexpressibleReason(
  framework: Framework,
  s: Strategy,
  numLayers: number,
): string | null {
  switch (framework) {
    case 'megatron':
      return megatronReason(s);
    case 'deepspeed':
      return deepspeedReason(s, numLayers);
    case 'fsdp':
      return torchtitanReason(s, numLayers);
  }
}
