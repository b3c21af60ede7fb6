/**
 * The pipeline shapes the enumeration tries for one (pp, micro-batch count): schedule, chunks per
 * rank, sequence slices and layer split (even, the water-filled uneven splits of layer-split.ts,
 * and DeepSpeed's own split where it partitions the pipeline itself).
 */
import type { ModelGraph } from '../graph/index.js';
import type { Framework, ScheduleKind } from '../costmodel/index.js';
import { allowed } from './constraints.js';
import { layerSplits } from './layer-split.js';
import type { SearchConstraints } from './types.js';

/** What choosing pipeline shapes reads of the enumeration's input. */
export interface ShapeChoiceInput {
  readonly graph: ModelGraph;
  readonly framework: Framework;
  readonly constraints: SearchConstraints;
  /** DeepSpeed's own layer split by stage count, memoised for the whole request. */
  readonly deepspeedSplit: (stages: number) => readonly number[];
}

/** Largest chunk count per rank tried with an uneven layer split (see pipelineShapes). */
const MAX_UNEVEN_VIRTUAL_STAGES = 8;

export interface PipelineShape {
  readonly schedule: ScheduleKind;
  readonly virtualStages: number;
  readonly sequenceSlices: number;
  readonly layersPerStage: readonly number[] | null;
}

/** The enumeration's input with layerSplits memoised by (chunks, pp) for one enumeration. */
export interface SplitInput extends ShapeChoiceInput {
  readonly splits: (numChunks: number, pp: number) => readonly (readonly number[] | null)[];
}

/**
 * layerSplits(graph, chunks, pp) computed once per (chunks, pp): every (tp, micro-batch) pair
 * asks again for the same pipeline shapes, and the splits cost a water-fill each.
 */
export function withMemoisedSplits<T extends ShapeChoiceInput>(x: T): T & SplitInput {
  const memo = new Map<string, readonly (readonly number[] | null)[]>();
  return {
    ...x,
    splits(numChunks, pp) {
      const key = `${numChunks}|${pp}`;
      let found = memo.get(key);
      if (found === undefined) {
        found = layerSplits(x.graph, numChunks, pp);
        memo.set(key, found);
      }
      return found;
    },
  };
}

/** Sequence slices tried for seq-slice-1f1b (each must divide the sequence length). */
export const SEQUENCE_SLICE_CHOICES: readonly number[] = [2, 4];

function interleavedShapes(x: SplitInput, pp: number, numMicroBatches: number): PipelineShape[] {
  if (pp < 2 || numMicroBatches % pp !== 0) return [];
  const shapes: PipelineShape[] = [];
  const pinned = x.constraints.virtualStages !== undefined;
  for (let v = 2; v * pp <= x.graph.spec.numLayers + 2; v++) {
    if (!allowed(x.constraints.virtualStages, v)) continue;
    // Beyond 8 chunks per rank only splits that divide evenly are tried unless v is pinned:
    // the bubble gain (p−1)/(v·m) flattens while p2p traffic grows linearly in v.
    if (!pinned && v > MAX_UNEVEN_VIRTUAL_STAGES && x.graph.spec.numLayers % (pp * v) !== 0)
      continue;
    for (const split of x.splits(pp * v, pp)) {
      shapes.push({
        schedule: 'interleaved-1f1b',
        virtualStages: v,
        sequenceSlices: 1,
        layersPerStage: split,
      });
    }
  }
  return shapes;
}

/**
 * DeepSpeed partitions a pipeline itself (partition_method='type:<layer>'): its split joins the
 * candidates, and the others are rejected by inexpressible() (plan/expressible.ts).
 */
function withFrameworkSplit(
  x: ShapeChoiceInput,
  splits: readonly (readonly number[] | null)[],
  pp: number,
): readonly (readonly number[] | null)[] {
  if (x.framework !== 'deepspeed') return splits;
  const own = x.deepspeedSplit(pp);
  const even = own.every((n) => n === own[0]);
  const key = (split: readonly number[] | null): string => split?.join('.') ?? 'even';
  const candidate = even ? null : own;
  return splits.some((split) => key(split) === key(candidate)) ? splits : [...splits, candidate];
}

/** Pipeline schedule, chunking and layer split choices for pp > 1. */
export function pipelineShapes(
  x: SplitInput,
  pp: number,
  numMicroBatches: number,
  schedules: readonly ScheduleKind[],
  sequenceLength: number,
): PipelineShape[] {
  const shapes: PipelineShape[] = [];
  const single = (schedule: ScheduleKind, virtualStages: number, sequenceSlices: number): void => {
    if (!allowed(x.constraints.virtualStages, virtualStages)) return;
    for (const split of withFrameworkSplit(
      x,
      x.splits(pp * virtualStages, pp * virtualStages),
      pp,
    )) {
      shapes.push({ schedule, virtualStages, sequenceSlices, layersPerStage: split });
    }
  };
  for (const schedule of schedules) {
    if (!allowed(x.constraints.schedule, schedule)) continue;
    switch (schedule) {
      case 'interleaved-1f1b':
        shapes.push(...interleavedShapes(x, pp, numMicroBatches));
        break;
      case 'zb-v':
        single(schedule, 2, 1);
        break;
      case 'seq-slice-1f1b':
        for (const k of SEQUENCE_SLICE_CHOICES)
          if (sequenceLength % k === 0) single(schedule, 1, k);
        break;
      case 'gpipe':
      case '1f1b':
      case 'zb-h1':
      case 'zb-h2':
        single(schedule, 1, 1);
        break;
    }
  }
  return shapes;
}

/** The one shape without pipelining (reported as 1f1b). */
export const NO_PIPELINE: PipelineShape = {
  schedule: '1f1b',
  virtualStages: 1,
  sequenceSlices: 1,
  layersPerStage: null,
};
