/**
 * Korthikanti et al. 2022 Table 4: forward + backward time of one 22B-model layer under each
 * recompute / sequence-parallel mode, compared with the cost model's chunk time for one layer.
 */
import type { ProfileCatalog } from '../../src/hardware-profiles/index.js';
import { buildModelGraph } from '../../src/graph/index.js';
import { chunkTimeSeconds } from '../../src/costmodel/stage-time.js';
import { placeGroup } from '../../src/costmodel/groups.js';
import type { PublishedRow } from './published-runs.js';
import { rowCluster, rowSpec, rowTraining } from './published-runs.js';

export interface LayerComparison {
  readonly id: string;
  readonly measuredMs: number;
  readonly predictedMs: number;
  readonly relativeError: number;
}

export function compareLayerRows(
  catalog: ProfileCatalog,
  rows: readonly PublishedRow[],
): LayerComparison[] {
  return rows.flatMap((row) => {
    const measuredMs = row.derived?.layer_fwd_bwd_ms;
    if (measuredMs === undefined) return [];
    const spec = rowSpec(row);
    const training = rowTraining(row);
    const graph = buildModelGraph(spec, training.sequenceLength);
    const cluster = rowCluster(catalog, row);
    const tp = row.parallelism.tp ?? 1;
    const recompute = (row.parallelism.recompute ?? 'none') as 'none' | 'selective' | 'full';
    const t = chunkTimeSeconds(
      { index: 1, rank: 0, layers: 1, hasEmbedding: false, hasLmHead: false },
      {
        graph,
        cluster,
        precision: training.precision,
        share: {
          sequences: row.training.micro_batch_size ?? 1,
          tp,
          sequenceParallel: row.parallelism.sequence_parallel === true,
          flashAttention: training.flashAttention,
          dropout: training.dropout,
        },
        tpGroup: placeGroup(tp, 1, cluster.gpusPerNode),
        // Korthikanti's measurements predate --tp-comm-overlap.
        tensorParallelExposedFraction: 1,
        recompute,
        recomputedLayers: 1,
      },
    );
    const predictedMs = 1000 * (t.forward + t.backwardInput + t.backwardWeight);
    return [
      {
        id: row.id,
        measuredMs,
        predictedMs,
        relativeError: (predictedMs - measuredMs) / measuredMs,
      },
    ];
  });
}
