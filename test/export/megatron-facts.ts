/** What parseMegatronArgs must read back from the Megatron arguments of a plan. */
import { layersPerChunk } from '../../src/export/plan-facts.js';
import type { Plan } from '../../src/plan/types.js';

/**
 * The parallel layout, batch, layer split, recompute and optimizer facts of `plan` in the shape
 * parseMegatronArgs answers (for `toMatchObject`): sequence parallelism only counts with tp > 1,
 * recompute layers only with full recompute, the distributed optimizer is ZeRO-1.
 */
export function megatronFacts(plan: Plan) {
  const s = plan.strategy;
  return {
    tp: s.tp,
    pp: s.pp,
    cp: s.cp,
    dp: s.dp,
    vpp: s.virtualStages,
    microBatchSize: s.microBatchSize,
    globalBatchSize: plan.training.globalBatchSize,
    layersPerChunk: layersPerChunk(plan),
    recompute: s.recompute,
    recomputeLayers: s.recompute === 'full' ? s.recomputeLayers : null,
    sequenceParallel: s.sequenceParallel && s.tp > 1,
    distributedOptimizer: s.zeroStage === 1,
  };
}
