/**
 * Heterogeneous plans in the CLI (issue #5): the `strata plan` report for a HeteroPlanResponse
 * (kind, per-stage or per-group table, launcher notes) and `strata select`.
 */
import type {
  AnyPlanResponse,
  ApiFrontierPoint,
  ApiHeteroPlan,
  ClusterSelectionResponse,
  HeteroPlanResponse,
} from '../contract/index.js';
import { count, gib, percent, seconds, table } from './table.js';

export function isHeteroResponse(response: AnyPlanResponse): response is HeteroPlanResponse {
  return 'kind' in response.best && response.best.kind !== 'operator-graph';
}

const usd = (v: number | null): string => (v === null ? '-' : `$${v.toFixed(2)}`);

function stagesTable(plan: ApiHeteroPlan): string {
  return table(
    ['stage', 'group', 'accelerator', 'GPUs', 'tp', 'dp', 'layers', 'fwd/mb', 'bwd/mb', 'memory'],
    (plan.stages ?? []).map((s) => [
      String(s.stage),
      String(s.group),
      s.accelerator,
      String(s.tensorParallel * s.dataParallel),
      String(s.tensorParallel),
      String(s.dataParallel),
      `${s.firstLayer}-${s.firstLayer + s.numLayers - 1}${s.hasEmbedding ? ' +emb' : ''}${s.hasLmHead ? ' +head' : ''}`,
      seconds(s.forwardSeconds),
      seconds(s.backwardSeconds),
      `${gib(s.peakMemoryBytes)} / ${gib(s.memoryCapacityBytes)}`,
    ]),
  );
}

function replicasTable(plan: ApiHeteroPlan): string {
  return table(
    [
      'group',
      'accelerator',
      'GPUs',
      'tp',
      'pp',
      'dp',
      'mbs',
      'batch share',
      'micro-batches',
      'finish',
      'memory',
    ],
    (plan.replicas ?? []).map((r) => [
      String(r.group),
      r.accelerator,
      String(r.gpus),
      String(r.tensorParallel),
      String(r.pipelineParallel),
      String(r.dataParallel),
      String(r.microBatchSize),
      String(r.globalBatchShare),
      String(r.numMicroBatches),
      seconds(r.finishSeconds),
      gib(r.peakMemoryBytes),
    ]),
  );
}

function homogeneousTable(plan: ApiHeteroPlan): string {
  const p = plan.homogeneousPlan;
  if (p === undefined) return '';
  const s = p.strategy;
  return table(
    ['accelerator', 'GPUs', 'tp', 'pp', 'dp', 'mbs', 'schedule', 'recompute', 'zero', 'memory'],
    [
      [
        p.accelerator,
        String(p.worldSize),
        String(s.tensorParallel),
        String(s.pipelineParallel),
        String(s.dataParallel),
        String(s.microBatchSize),
        s.schedule,
        s.recompute,
        String(s.zeroStage),
        gib(p.estimate.peakMemoryBytesPerGpu),
      ],
    ],
  );
}

/** The readable report of one heterogeneous plan. */
export function heteroPlanText(plan: ApiHeteroPlan): string {
  const body =
    plan.kind === 'hetero-pipeline'
      ? stagesTable(plan)
      : plan.kind === 'hetero-data-parallel'
        ? replicasTable(plan)
        : homogeneousTable(plan);
  const layout = plan.launcher.megatronPipelineLayout;
  return [
    `Kind: ${plan.kind} on ${plan.gpusUsed} GPUs (per group: ${plan.gpusPerGroup.join(', ')})`,
    `Step time: ${seconds(plan.stepTimeSeconds)}  tokens/s: ${count(plan.tokensPerSecond)}  MFU: ${percent(plan.mfu)}  micro-batch: ${plan.microBatchSize}`,
    `Cost: ${usd(plan.costUsdPerHour)}/h, ${plan.costUsdPerStep === null ? '-' : `$${plan.costUsdPerStep.toFixed(4)}`}/step`,
    '',
    body,
    '',
    'Launcher:',
    ...(layout === undefined ? [] : [`  Megatron --pipeline-model-parallel-layout ${layout}`]),
    ...plan.launcher.notes.map((n) => `  - ${n}`),
  ].join('\n');
}

export function heteroPlanReport(response: HeteroPlanResponse): string {
  const { best, alternatives, search } = response;
  const alt = alternatives.map((a, i) => [
    String(i + 1),
    a.kind,
    seconds(a.stepTimeSeconds),
    usd(a.costUsdPerHour),
    a.gpusPerGroup.join('+'),
  ]);
  return [
    heteroPlanText(best),
    ...(alt.length === 0
      ? []
      : ['', 'Alternatives:', table(['#', 'kind', 'step', '$/h', 'GPUs'], alt)]),
    '',
    `Search: ${search.candidates} candidates, ${search.feasible} feasible, ${search.pruned} pruned, ${search.elapsedSeconds.toFixed(2)} s${search.truncated ? ` (truncated by a candidate cap; at most ${(100 * search.gapFraction).toFixed(1)}% better left unexplored)` : ''}`,
  ].join('\n');
}

function frontierRow(p: ApiFrontierPoint, chosen: ApiFrontierPoint | null): string[] {
  const isChosen =
    chosen !== null && chosen.nodesPerGroup.join() === p.nodesPerGroup.join() ? '*' : '';
  return [
    isChosen,
    p.nodesPerGroup.join('+'),
    p.gpusPerGroup.join('+'),
    seconds(p.stepTimeSeconds),
    usd(p.costUsdPerHour),
    p.plan.kind,
  ];
}

export function selectionReport(r: ClusterSelectionResponse): string {
  const rows = r.frontier.map((p) => frontierRow(p, r.chosen));
  return [
    `Pareto frontier (${r.clustersEvaluated} sub-clusters evaluated; * = chosen):`,
    table(['', 'nodes', 'GPUs', 'step', '$/h', 'kind'], rows),
    '',
    r.chosen === null
      ? 'No sub-cluster meets the budget / step-time target.'
      : `Chosen: ${r.chosen.nodesPerGroup.join('+')} nodes, ${usd(r.chosen.costUsdPerHour)}/h\n${heteroPlanText(r.chosen.plan)}`,
  ].join('\n');
}
