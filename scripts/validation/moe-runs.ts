/**
 * Maps the rows of validation/moe_longctx_runs.json (MoE and long-context runs, copied into the
 * repo from the team's shared validation set; schema in its moe_longctx.md §A.1) onto Strata's inputs and
 * estimates each with the layout the source states (estimate(), not the planner: every degree is
 * published). Rows are compared on step time: the source's own, else derived.step_time_s
 * (GBS·seq / (tokens/s/GPU · GPUs)), else the TFLOPS turned back into time with the FLOP count the
 * source states (moe-row-facts.ts; rows whose convention is only inferred stay skipped, §0.2).
 * Models Strata cannot describe (hybrid Mamba / linear-attention Nemotron-3 and Qwen3-Next;
 * GB300, which has no device profile) are listed as skipped.
 *
 * Facts per row, not tuning knobs: precision (FP8 / MXFP8 → fp8), framework (FSDP2 rows →
 * fsdp ZeRO-3, else Megatron with its distributed optimizer), routing (forced balance when the
 * source says so, else Megatron's default real router), dispatcher (DeepEP / HybridEP / NCCL
 * all-to-all), recompute as published, and what a row leaves blank read from the recipe that
 * produced it (moe-row-facts.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PlanningError,
  RECOMPUTE_MODULES,
  estimate,
  moeTrainingDefaults,
} from '../../src/costmodel/index.js';
import type {
  RecomputeMode,
  RecomputeModule,
  Strategy,
  TrainingConfig,
} from '../../src/costmodel/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import type { ClusterProfile, ProfileCatalog } from '../../src/hardware-profiles/index.js';
import { clusterFromPreset, customCluster } from '../../src/hardware-profiles/index.js';
import type { MlaSpec, TransformerSpec } from '../../src/model-spec/index.js';
import {
  dispatcher,
  isMegatronBridge,
  recipeExpertParallel,
  recipeFsdpParameterDtype,
  recipeLayersPerChunk,
  recipeMicroBatchSize,
  recipeMtpLayers,
  recipeRecompute,
  routing,
  tflopsStepSeconds,
} from './moe-row-facts.js';

export interface MoeRow {
  readonly id: string;
  readonly source_group: string;
  readonly category: string;
  readonly model: string;
  readonly num_layers: number | null;
  readonly hidden_size: number | null;
  readonly num_attention_heads: number | null;
  readonly num_kv_heads: number | null;
  readonly attention_notes: string | null;
  readonly ffn_hidden_size: number | null;
  readonly num_experts: number | null;
  readonly top_k: number | null;
  readonly shared_experts: number | null;
  readonly expert_ffn_hidden_size: number | null;
  readonly vocab_size: number | null;
  readonly seq_len: number;
  readonly global_batch_size: number;
  readonly micro_batch_size: number | null;
  readonly gpu_type: string;
  readonly num_gpus: number;
  readonly tp: number | null;
  readonly pp: number | null;
  readonly vp: number | null;
  readonly cp: number | null;
  readonly ep: number | null;
  readonly etp: number | null;
  readonly dp: number | null;
  readonly zero_or_fsdp: string | null;
  readonly recompute: string | null;
  readonly precision: string;
  readonly dispatcher: string | null;
  readonly a2a_overlap: unknown;
  readonly routing: string | null;
  readonly step_time_s: number | null;
  readonly tokens_per_s_per_gpu: number | null;
  readonly status: string;
  readonly metric_notes: string | null;
  readonly tflops_per_gpu: number | null;
  readonly flop_counting: string | null;
  readonly notes: string | null;
  readonly derived?: { readonly step_time_s?: number };
}

const here = dirname(fileURLToPath(import.meta.url));

export function loadMoeRows(): MoeRow[] {
  const file = join(here, '..', '..', 'validation', 'moe_longctx_runs.json');
  return JSON.parse(readFileSync(file, 'utf8')) as MoeRow[];
}

/** Published step time, seconds, or null (TFLOPS-only rows). */
export function moeMeasuredSeconds(row: MoeRow): number | null {
  if (row.step_time_s !== null) return row.step_time_s;
  if (row.derived?.step_time_s !== undefined) return row.derived.step_time_s;
  if (row.tokens_per_s_per_gpu !== null)
    return (row.global_batch_size * row.seq_len) / (row.tokens_per_s_per_gpu * row.num_gpus);
  return null;
}

/** MLA of DeepSeek-V3 and Kimi-K2 (both configs: q_lora 1536, kv_lora 512, 128 + 64, v 128). */
const DEEPSEEK_MLA: MlaSpec = {
  qLoraRank: 1536,
  kvLoraRank: 512,
  qkNopeHeadDim: 128,
  qkRopeHeadDim: 64,
  vHeadDim: 128,
};
/** Leading dense layers (first_k_dense_replace of the upstream configs). */
const FIRST_DENSE: Readonly<Record<string, number>> = { 'DeepSeek-V3': 3, 'Kimi-K2': 1 };

/** The row's architecture as a spec, or a reason it cannot be described. */
export function moeRowSpec(row: MoeRow): TransformerSpec | string {
  const { num_layers: layers, hidden_size: h, num_attention_heads: heads } = row;
  if (layers === null || h === null || heads === null || row.vocab_size === null)
    return 'architecture not in the row (hybrid model Strata cannot describe)';
  const headDim = Number(/head_dim (\d+)/.exec(row.attention_notes ?? '')?.[1] ?? h / heads);
  const mla = (row.attention_notes ?? '').startsWith('MLA') ? DEEPSEEK_MLA : undefined;
  const experts = row.num_experts;
  const expertFfn = row.expert_ffn_hidden_size ?? row.ffn_hidden_size ?? 4 * h;
  return {
    name: row.model,
    numLayers: layers,
    hiddenSize: h,
    numHeads: heads,
    numKvHeads: mla ? heads : (row.num_kv_heads ?? heads),
    headDim: mla ? DEEPSEEK_MLA.vHeadDim : headDim,
    ffnHiddenSize: row.ffn_hidden_size ?? expertFfn,
    vocabSize: row.vocab_size,
    gatedMlp: true,
    tiedEmbeddings: false,
    positionEmbedding: 'rotary',
    maxPositionEmbeddings: row.seq_len,
    norm: 'rmsnorm',
    linearBias: false,
    ...(experts === null || row.top_k === null
      ? {}
      : {
          moe: {
            numExperts: experts,
            topK: row.top_k,
            expertFfnHiddenSize: expertFfn,
            numSharedExperts: row.shared_experts ?? 0,
            sharedExpertFfnHiddenSize: row.shared_experts ? expertFfn : 0,
            firstDenseLayers: FIRST_DENSE[row.model] ?? 0,
            layerInterval: 1,
          },
        }),
    ...(mla ? { mla } : {}),
    ...(recipeMtpLayers(row) > 0 ? { mtpLayers: recipeMtpLayers(row) } : {}),
  };
}

/** H100 / B200 as their DGX presets; GB200 as NVL72 (the largest divisor of the job ≤ 72). */
export function moeRowCluster(catalog: ProfileCatalog, row: MoeRow): ClusterProfile | string {
  const gpus = row.num_gpus;
  if (row.gpu_type.startsWith('GB300')) return 'GB300 has no device profile';
  if (row.gpu_type.startsWith('GB200')) {
    let perNode = Math.min(72, gpus);
    while (gpus % perNode !== 0) perNode--;
    return customCluster(catalog, {
      accelerator: 'nvidia-gb200-186gb',
      gpusPerNode: perNode,
      nodes: gpus / perNode,
    });
  }
  const preset = row.gpu_type.startsWith('B200') ? 'dgx-b200' : 'dgx-h100';
  const perNode = Math.min(8, gpus);
  return clusterFromPreset(catalog, preset, gpus / perNode);
}

/**
 * FSDP2 and Megatron-FSDP both shard parameters, gradients and optimizer states (ZeRO-3); Strata
 * prices both as its fsdp framework (Megatron-LM megatron/core/distributed/fsdp).
 */
function shardsParameters(row: MoeRow): boolean {
  return /FSDP2|Megatron-FSDP/.test(row.zero_or_fsdp ?? '');
}

export function moeRowTraining(row: MoeRow): TrainingConfig {
  const fsdp = shardsParameters(row);
  return {
    globalBatchSize: row.global_batch_size,
    sequenceLength: row.seq_len,
    precision: row.precision.toUpperCase().includes('FP8') ? 'fp8' : 'bf16',
    flashAttention: true,
    dropout: false,
    overlapGradientReduce: true,
    overlapParameterGather: !fsdp,
    overlapTensorParallelComm: false,
    overlapPipelineP2p: true,
    prefetchParameters: true,
    memoryHeadroomFraction: 0,
    framework: fsdp ? 'fsdp' : 'megatron',
    moe: {
      ...moeTrainingDefaults(),
      dispatcher: dispatcher(row),
      routing: routing(row.routing),
      overlapAllToAll: row.a2a_overlap === true,
    },
    // Megatron-Bridge's performance recipes reduce gradients in bf16 (set_*_common_configs:
    // cfg.ddp.grad_reduce_in_fp32 = False for DeepSeek-V3, Qwen3, GPT-OSS and the others).
    ...(isMegatronBridge(row) ? { gradientReduceInFp32: false } : {}),
    ...(fsdp ? { fsdpParameterDtype: recipeFsdpParameterDtype(row) } : {}),
  };
}

function recompute(text: string | null): RecomputeMode {
  const t = (text ?? '').toLowerCase();
  if (t === '' || t.startsWith('none')) return 'none';
  return t.includes('full') ? 'full' : 'selective';
}

/**
 * The published --recompute-modules of a selective row. ModelZoo tables abbreviate them: 'norm'
 * is layernorm, 'act' moe_act, 'shared_expert' shared_experts (Megatron-LM's module names).
 */
export function recomputeModules(text: string | null): RecomputeModule[] {
  const words = (text ?? '')
    .toLowerCase()
    .replace(/\(.*\)/g, '')
    .split(/[\s,]+/);
  const alias: Readonly<Record<string, RecomputeModule>> = {
    norm: 'layernorm',
    act: 'moe_act',
    shared_expert: 'shared_experts',
  };
  const modules = new Set<RecomputeModule>();
  for (const word of words) {
    const module = alias[word] ?? RECOMPUTE_MODULES.find((m) => m === word);
    if (module !== undefined) modules.add(module);
  }
  return [...modules];
}

/** Even split of L layers over n chunks, the first chunks one layer heavier. */
function spread(layers: number, chunks: number): number[] {
  const base = Math.floor(layers / chunks);
  return Array.from({ length: chunks }, (_, i) => base + (i < layers % chunks ? 1 : 0));
}

export function moeRowStrategy(row: MoeRow, spec: TransformerSpec): Strategy {
  const tp = row.tp ?? 1;
  const pp = row.pp ?? 1;
  const cp = row.cp ?? 1;
  const dp = row.num_gpus / (tp * pp * cp);
  const mbs = recipeMicroBatchSize(row) ?? 1;
  const v = pp > 1 ? (row.vp ?? 1) : 1;
  const chunks = pp * v;
  const fsdp = shardsParameters(row);
  const published = recipeRecompute(row);
  const mode = recompute(published);
  const ep = recipeExpertParallel(row);
  return {
    dp,
    tp,
    pp,
    cp,
    ...(ep !== null && ep > 1 ? { ep } : {}),
    ...(row.etp !== null && row.etp > 1 ? { etp: row.etp } : {}),
    virtualStages: v,
    sequenceSlices: 1,
    sequenceParallel: tp > 1,
    microBatchSize: mbs,
    numMicroBatches: row.global_batch_size / (dp * mbs),
    recompute: mode,
    recomputeLayers: null,
    ...(mode === 'selective' ? { recomputeModules: recomputeModules(published) } : {}),
    zeroStage: fsdp ? 3 : 1,
    schedule: v > 1 ? 'interleaved-1f1b' : '1f1b',
    layersPerStage:
      recipeLayersPerChunk(row, chunks) ??
      (spec.numLayers % chunks === 0 ? null : spread(spec.numLayers, chunks)),
  };
}

export interface MoeComparison {
  readonly id: string;
  readonly model: string;
  readonly measuredStepSeconds: number | null;
  readonly predictedStepSeconds: number | null;
  readonly relativeError: number | null;
  readonly predictedFits: boolean | null;
  readonly peakMemoryGiB: number | null;
  readonly note: string;
}

/** Estimate one row with its published layout. */
export function compareMoeRow(catalog: ProfileCatalog, row: MoeRow): MoeComparison {
  const published = moeMeasuredSeconds(row);
  const skip = (note: string, measured: number | null = published): MoeComparison => ({
    id: row.id,
    model: row.model,
    measuredStepSeconds: measured,
    predictedStepSeconds: null,
    relativeError: null,
    predictedFits: null,
    peakMemoryGiB: null,
    note,
  });
  const spec = moeRowSpec(row);
  if (typeof spec === 'string') return skip(spec);
  const training = moeRowTraining(row);
  const graph = buildModelGraph(spec, training.sequenceLength);
  const measured = published ?? tflopsStepSeconds(row, graph);
  if (measured === null) return skip('no published time (TFLOPS under an unstated FLOP count)');
  const cluster = moeRowCluster(catalog, row);
  if (typeof cluster === 'string') return skip(cluster, measured);
  try {
    const e = estimate(graph, cluster, moeRowStrategy(row, spec), training);
    return {
      id: row.id,
      model: row.model,
      measuredStepSeconds: measured,
      predictedStepSeconds: e.stepTimeSeconds,
      relativeError: (e.stepTimeSeconds - measured) / measured,
      predictedFits: e.fits,
      peakMemoryGiB: e.peakMemoryBytesPerGpu / 2 ** 30,
      note: published === null ? 'step time from TFLOPS (source FLOP count)' : '',
    };
  } catch (error) {
    if (!(error instanceof PlanningError)) throw error;
    return skip(`rejected: ${error.message}`, measured);
  }
}
