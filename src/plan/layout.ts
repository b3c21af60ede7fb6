/** Stage placement of a strategy: which layers each chunk holds and which global ranks run it. */
import type { Strategy } from '../costmodel/index.js';
import { chunkLayouts } from '../costmodel/index.js';
import type { StagePlacement } from './types.js';

export function stagePlacements(strategy: Strategy, numLayers: number): StagePlacement[] {
  const chunks = chunkLayouts(strategy, numLayers);
  const ranksPerStage = strategy.tp * strategy.dp * strategy.cp;
  let firstLayer = 0;
  return chunks.map((chunk) => {
    const placement: StagePlacement = {
      chunk: chunk.index,
      pipelineRank: chunk.rank,
      firstLayer,
      numLayers: chunk.layers,
      hasEmbedding: chunk.hasEmbedding,
      hasLmHead: chunk.hasLmHead,
      firstRank: chunk.rank * ranksPerStage,
      lastRank: (chunk.rank + 1) * ranksPerStage - 1,
    };
    firstLayer += chunk.layers;
    return placement;
  });
}
