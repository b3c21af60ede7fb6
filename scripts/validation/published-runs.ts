/**
 * Maps the rows of validation/published_runs.json (published training runs, copied into the
 * repo from the team's shared validation set) onto
 * Strata's inputs: a TransformerSpec, a ClusterProfile, a TrainingConfig and search constraints
 * pinning every parallel setting the source states. Settings a source leaves out (micro-batch
 * size, virtual stages) are left to the planner, which picks the best value the model sees.
 *
 * Framework facts per source (not tuning knobs): which attention kernel, dropout, whether DP
 * gradient reduction overlapped backward, ZeRO stage, precision. Each is cited below.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TransformerSpec } from '../../src/model-spec/index.js';
import type { ClusterProfile, ProfileCatalog } from '../../src/hardware-profiles/index.js';
import { clusterFromPreset, customCluster } from '../../src/hardware-profiles/index.js';
import type {
  RecomputeMode,
  ScheduleKind,
  TrainingConfig,
  ZeroStage,
} from '../../src/costmodel/strategy.js';
import type { SearchConstraints } from '../../src/search/types.js';

export interface PublishedRow {
  id: string;
  source_group: string;
  model: {
    name: string;
    family?: string;
    num_layers: number;
    hidden_size: number;
    num_attention_heads: number | null;
    num_kv_heads: number | null;
    ffn_hidden_size: number | null;
    vocab_size: number | null;
    seq_len: number;
  };
  training: {
    global_batch_size: number;
    micro_batch_size: number | null;
    precision: string | null;
  };
  parallelism: {
    tp: number | null;
    pp: number | null;
    dp: number | null;
    sequence_parallel: boolean | null;
    virtual_pipeline_stages: number | string | null;
    pipeline_schedule: string | null;
    recompute: string | null;
    zero_stage: number | null;
    fsdp: string | null;
  };
  hardware: {
    gpu_canonical: string;
    num_gpus: number;
    gpus_per_node: number;
    cluster: string | null;
  };
  metric: {
    iteration_time_s: number | null;
    tokens_per_sec: number | null;
    samples_per_sec: number | null;
    samples_per_sec_per_gpu: number | null;
    memory_gb: number | null;
    status: string;
  };
  derived: {
    iteration_time_s?: number;
    layer_forward_ms?: number;
    layer_backward_ms?: number;
    layer_fwd_bwd_ms?: number;
  } | null;
}

export function publishedRunsPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, '..', '..', 'validation', 'published_runs.json');
}

export function loadPublishedRows(path = publishedRunsPath()): PublishedRow[] {
  return JSON.parse(readFileSync(path, 'utf8')) as PublishedRow[];
}

/** Measured seconds per optimizer step, or null when the row has no time or throughput. */
export function measuredStepSeconds(row: PublishedRow): number | null {
  if (row.metric.iteration_time_s !== null) return row.metric.iteration_time_s;
  if (row.derived?.iteration_time_s !== undefined) return row.derived.iteration_time_s;
  const tokens = row.training.global_batch_size * row.model.seq_len;
  if (row.metric.tokens_per_sec !== null) return tokens / row.metric.tokens_per_sec;
  if (row.metric.samples_per_sec !== null)
    return row.training.global_batch_size / row.metric.samples_per_sec;
  if (row.metric.samples_per_sec_per_gpu !== null) {
    return (
      row.training.global_batch_size / (row.metric.samples_per_sec_per_gpu * row.hardware.num_gpus)
    );
  }
  return null;
}

type Family = 'gpt' | 'bloom' | 'mpt';
function family(row: PublishedRow): Family {
  if (row.id.startsWith('bloom')) return 'bloom';
  if (row.id.startsWith('mpt')) return 'mpt';
  return 'gpt';
}

/** GPT-2 BPE (50257) padded by Megatron to a multiple of 128·tp (--make-vocab-size-divisible-by). */
const MEGATRON_PADDED_GPT2_VOCAB = 50304;

export function rowSpec(row: PublishedRow): TransformerSpec {
  const m = row.model;
  const f = family(row);
  // BigScience's 48-node sweep omits NHEADS; the same log says "all NHEADS=64 (above too)".
  const heads = m.num_attention_heads ?? 64;
  return {
    name: m.name,
    numLayers: m.num_layers,
    hiddenSize: m.hidden_size,
    numHeads: heads,
    numKvHeads: m.num_kv_heads ?? heads,
    headDim: m.hidden_size / heads,
    ffnHiddenSize: m.ffn_hidden_size ?? 4 * m.hidden_size,
    vocabSize: m.vocab_size ?? MEGATRON_PADDED_GPT2_VOCAB,
    gatedMlp: false,
    // Megatron GPT, BLOOM and MPT all share input embedding and LM head.
    tiedEmbeddings: true,
    positionEmbedding: f === 'gpt' ? 'learned' : 'alibi',
    maxPositionEmbeddings: m.seq_len,
    norm: 'layernorm',
    linearBias: f !== 'mpt',
  };
}

function presetFor(row: PublishedRow): string {
  const gpu = row.hardware.gpu_canonical;
  if (gpu.startsWith('V100')) return 'dgx-v100';
  // The 2020 Megatron README ran on the 40 GB DGX A100 of the time ("memory not stated").
  if (gpu.includes('40GB') || gpu.includes('memory not stated')) return 'dgx-a100-40gb';
  return 'dgx-a100-80gb';
}

export function rowCluster(catalog: ProfileCatalog, row: PublishedRow): ClusterProfile {
  const gpus = row.hardware.num_gpus;
  const perNode = Math.min(row.hardware.gpus_per_node || 8, gpus);
  if ((row.hardware.cluster ?? '').includes('Jean Zay')) {
    // Jean Zay A100 nodes: 8 GPUs on NVLink, 4 × 100 Gb/s Omni-Path links per node (BigScience README).
    return customCluster(catalog, {
      accelerator: 'nvidia-a100-sxm4-80gb',
      gpusPerNode: perNode,
      nodes: gpus / perNode,
      interNode: { nicsPerNode: 4, nicBandwidthGBps: 12.5 },
    });
  }
  const cluster = clusterFromPreset(catalog, presetFor(row), Math.max(1, gpus / perNode));
  return { ...cluster, gpusPerNode: perNode, numNodes: gpus / perNode };
}

export function rowTraining(row: PublishedRow): TrainingConfig {
  const f = family(row);
  const era2020 = row.id.startsWith('megatron_readme2020') || row.id.startsWith('narayanan21');
  return {
    globalBatchSize: row.training.global_batch_size,
    sequenceLength: row.model.seq_len,
    // Megatron 2020–21 trained GPT in fp16; BigScience, MosaicML, MegaScale and ZB used bf16.
    precision: era2020 ? 'fp16' : 'bf16',
    // MPT uses FlashAttention (llm-foundry attn_impl); the Megatron/DeepSpeed runs predate it.
    flashAttention: f === 'mpt',
    // Megatron GPT and BLOOM train with dropout 0.1 (0.0 for BLOOM-176B's final run); MPT has none.
    dropout: f !== 'mpt',
    // FSDP overlaps by design; the Megatron/DeepSpeed runs reduced gradients after the flush.
    overlapGradientReduce: f === 'mpt',
    // None of the sources overlaps the parameter all-gather, pipeline p2p or TP collectives.
    overlapParameterGather: false,
    overlapTensorParallelComm: false,
    overlapPipelineP2p: false,
    // FSDP and DeepSpeed ZeRO-3 prefetch by default (llm-foundry FSDP backward_prefetch).
    prefetchParameters: true,
    // Validation asks whether the published configuration fits, not whether it leaves headroom.
    memoryHeadroomFraction: 0,
    // BigScience trained with Megatron-DeepSpeed (DeepSpeed pipeline + BF16 optimizer), MosaicML
    // with FSDP (llm-foundry), the others with Megatron-LM.
    framework: f === 'bloom' ? 'deepspeed' : f === 'mpt' ? 'fsdp' : 'megatron',
  };
}

function recomputeFor(row: PublishedRow): RecomputeMode {
  const text = (row.parallelism.recompute ?? '').toLowerCase();
  if (text.startsWith('none')) return 'none';
  if (text.startsWith('selective')) return 'selective';
  if (text.includes('full') || text.includes('checkpoint')) return 'full';
  // MegaScale's Megatron-LM baseline used sequence parallelism, whose default is selective
  // recompute; the 2020 README scripts pass --checkpoint-activations (full).
  if (row.parallelism.sequence_parallel === true) return 'selective';
  if (row.id.startsWith('megatron_readme2020')) return 'full';
  return 'none';
}

function scheduleFor(row: PublishedRow): ScheduleKind {
  const text = (row.parallelism.pipeline_schedule ?? '').toLowerCase();
  if ((row.parallelism.pp ?? 1) <= 1) return '1f1b';
  if (text.includes('2*p') || row.id.includes('ZB-2p')) return 'zb-h2';
  if (row.id.includes('ZB-1p')) return 'zb-h1';
  if (text.includes('interleaved') && row.id.startsWith('narayanan21')) return 'interleaved-1f1b';
  if (text.includes('interleaved')) return 'interleaved-1f1b';
  return '1f1b';
}

export function rowConstraints(row: PublishedRow): SearchConstraints {
  const p = row.parallelism;
  const schedule = scheduleFor(row);
  const v = typeof p.virtual_pipeline_stages === 'number' ? p.virtual_pipeline_stages : null;
  const zero = (p.zero_stage ?? 0) as ZeroStage;
  const constraints: { -readonly [K in keyof SearchConstraints]: SearchConstraints[K] } = {
    schedule: [schedule],
    sequenceParallel: [p.sequence_parallel === true && (p.tp ?? 1) > 1],
    recompute: [recomputeFor(row)],
    // The sources recompute every layer when they say "full".
    recomputeLayers: [null],
    zeroStage: [zero],
  };
  // Unstated settings (Narayanan's micro-batch size and chunk count, the GPT-3 text row's
  // degrees) are left to the planner.
  if (p.tp !== null) constraints.tp = [p.tp];
  if (p.pp !== null) constraints.pp = [p.pp];
  if (p.dp !== null) constraints.dp = [p.dp];
  if (row.training.micro_batch_size !== null)
    constraints.microBatchSize = [row.training.micro_batch_size];
  if (schedule === 'interleaved-1f1b' && v !== null && v > 1) constraints.virtualStages = [v];
  if (p.pp === null) delete constraints.schedule;
  return constraints;
}
