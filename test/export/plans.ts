/** Hand-built Plans for the export tests (no search involved). */
import type { CostBreakdown } from '../../src/costmodel/types.js';
import type { Strategy, TrainingConfig } from '../../src/costmodel/strategy.js';
import type { TransformerSpec } from '../../src/model-spec/index.js';
import { stagePlacements } from '../../src/plan/layout.js';
import type { Plan } from '../../src/plan/types.js';
import { fixedTraining } from '../fixtures/training.js';
import { GPT_SPEC, LLAMA_SPEC } from '../fixtures/specs.js';
import { strategyWith } from '../fixtures/strategy.js';

const ZERO_MEMORY = { weights: 0, gradients: 0, optimizer: 0, activations: 0, other: 0 };

export const ESTIMATE_STUB: CostBreakdown = {
  stepTimeSeconds: 0,
  tokensPerSecond: 0,
  mfu: 0,
  hfu: 0,
  tflopsPerGpu: 0,
  fits: true,
  peakMemoryBytesPerGpu: 0,
  memoryCapacityBytesPerGpu: 0,
  usableMemoryBytesPerGpu: 0,
  memoryBytes: ZERO_MEMORY,
  timeSeconds: {
    compute: 0,
    recompute: 0,
    tensorParallelComm: 0,
    expertParallelComm: 0,
    contextParallelComm: 0,
    dataParallelComm: 0,
    pipelineComm: 0,
    bubble: 0,
    optimizer: 0,
  },
  hiddenCommSeconds: {
    tensorParallelComm: 0,
    dataParallelComm: 0,
    pipelineComm: 0,
    expertParallelComm: 0,
    contextParallelComm: 0,
  },
  modelFlopsPerStep: 0,
  hardwareFlopsPerStep: 0,
  stages: [],
};

export { GPT_SPEC, LLAMA_SPEC };

export const BASE_STRATEGY: Strategy = strategyWith({
  dp: 2,
  tp: 2,
  pp: 2,
  sequenceParallel: true,
  numMicroBatches: 8,
  zeroStage: 1,
});

export const BASE_TRAINING: TrainingConfig = fixedTraining(16, 4096);

export interface PlanOverrides {
  readonly strategy?: Partial<Strategy>;
  readonly training?: Partial<TrainingConfig>;
  readonly gpusPerNode?: number;
  readonly spec?: TransformerSpec;
}

/** A consistent Plan: globalBatchSize = dp·mbs·M, world = dp·tp·pp·cp, layout from the strategy. */
export function makePlan(o: PlanOverrides = {}): Plan {
  const strategy: Strategy = { ...BASE_STRATEGY, ...o.strategy };
  const spec = o.spec ?? LLAMA_SPEC;
  const worldSize = strategy.dp * strategy.tp * strategy.pp * strategy.cp;
  const gpusPerNode = o.gpusPerNode ?? 8;
  const training: TrainingConfig = {
    ...BASE_TRAINING,
    globalBatchSize: strategy.dp * strategy.microBatchSize * strategy.numMicroBatches,
    ...o.training,
  };
  return {
    strategy,
    estimate: ESTIMATE_STUB,
    layout: stagePlacements(strategy, spec.numLayers),
    worldSize,
    gpusPerNode,
    numNodes: Math.ceil(worldSize / gpusPerNode),
    acceleratorId: 'nvidia-h100-sxm-80gb',
    modelName: spec.name,
    training,
    schedule: null,
  };
}

/** Representative plans covering every exported feature; each with the spec it was built for. */
export const REPRESENTATIVE: readonly {
  readonly name: string;
  readonly plan: Plan;
  readonly spec: TransformerSpec;
}[] = [
  { name: 'tp2 pp2 zero1 bf16 flash', plan: makePlan(), spec: LLAMA_SPEC },
  {
    name: 'interleaved v=2, selective, cp2',
    plan: makePlan({
      strategy: {
        tp: 4,
        pp: 4,
        cp: 2,
        dp: 2,
        virtualStages: 2,
        schedule: 'interleaved-1f1b',
        recompute: 'selective',
        numMicroBatches: 8,
      },
    }),
    spec: LLAMA_SPEC,
  },
  {
    name: 'uneven split, full recompute block, fp16, gpt',
    plan: makePlan({
      spec: GPT_SPEC,
      strategy: {
        tp: 1,
        pp: 4,
        dp: 4,
        sequenceParallel: false,
        recompute: 'full',
        recomputeLayers: 3,
        zeroStage: 0,
        layersPerStage: [6, 8, 9, 7],
      },
      training: {
        precision: 'fp16',
        flashAttention: false,
        dropout: true,
        overlapGradientReduce: false,
        overlapParameterGather: false,
        overlapTensorParallelComm: false,
        overlapPipelineP2p: false,
        prefetchParameters: true,
        memoryHeadroomFraction: 0,
      },
    }),
    spec: GPT_SPEC,
  },
  {
    name: 'full recompute all layers, fp8, pp1',
    plan: makePlan({
      strategy: { tp: 8, pp: 1, dp: 4, recompute: 'full', recomputeLayers: null },
      training: { precision: 'fp8' },
    }),
    spec: LLAMA_SPEC,
  },
  {
    name: 'uneven interleaved, zb-h2 (csv in torchtitan)',
    plan: makePlan({
      strategy: {
        tp: 2,
        pp: 2,
        dp: 2,
        virtualStages: 1,
        schedule: 'zb-h2',
        layersPerStage: [39, 41],
      },
    }),
    spec: LLAMA_SPEC,
  },
  {
    name: 'uneven interleaved v=2',
    plan: makePlan({
      strategy: {
        tp: 2,
        pp: 4,
        dp: 1,
        virtualStages: 2,
        schedule: 'interleaved-1f1b',
        numMicroBatches: 8,
        layersPerStage: [9, 10, 10, 10, 10, 10, 10, 11],
      },
    }),
    spec: LLAMA_SPEC,
  },
];

/** REPRESENTATIVE[i], failing loudly when the index is out of range. */
export function rep(i: number): (typeof REPRESENTATIVE)[number] {
  const r = REPRESENTATIVE[i];
  if (r === undefined) throw new Error(`no representative plan ${i}`);
  return r;
}
