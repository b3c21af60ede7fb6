/** Human-readable plan and estimate reports (the --json output is the API response itself). */
import type {
  ApiEstimate,
  ApiPlan,
  ApiStrategy,
  EstimateResponse,
  PlanResponse,
} from '../contract/index.js';
import { count, gib, keyValues, percent, seconds, table } from './table.js';

export function strategyLine(s: ApiStrategy): string {
  const parts = [
    `dp=${s.dataParallel} tp=${s.tensorParallel} pp=${s.pipelineParallel}`,
    s.contextParallel > 1 ? `cp=${s.contextParallel}` : '',
    s.expertParallel > 1 ? `ep=${s.expertParallel}` : '',
    s.expertTensorParallel > 1 ? `etp=${s.expertTensorParallel}` : '',
    s.virtualStages > 1 ? `vpp=${s.virtualStages}` : '',
    `micro-batch ${s.microBatchSize} × ${s.numMicroBatches}`,
    s.sequenceParallel ? 'SP on' : 'SP off',
    `recompute ${s.recompute}${s.recomputeLayers === null ? '' : ` (${s.recomputeLayers} layers)`}`,
    `ZeRO-${s.zeroStage}`,
    s.dataParallelShard < s.dataParallel
      ? `HSDP ${s.dataParallelShard}-way shard × ${s.dataParallel / s.dataParallelShard} replicas`
      : '',
    s.pipelineParallel > 1 ? `schedule ${s.schedule}` : '',
    s.layersPerStage === null ? '' : `layers/stage [${s.layersPerStage.join(',')}]`,
  ];
  return parts.filter((p) => p !== '').join(', ');
}

export function estimateReport(e: ApiEstimate): string {
  const m = e.memoryBytes;
  const t = e.timeSeconds;
  return [
    keyValues([
      [
        'Step time',
        `${seconds(e.stepTimeSeconds)}  (80% band ${seconds(e.stepTimeRangeSeconds.low)} – ${seconds(e.stepTimeRangeSeconds.high)}, ${e.errorBandRows} validated runs)`,
      ],
      ['Tokens/s', count(e.tokensPerSecond)],
      ['MFU / HFU', `${percent(e.mfu)} / ${percent(e.hfu)}`],
      ['TFLOP/s per GPU', e.tflopsPerGpu.toFixed(1)],
      [
        'Memory per GPU',
        `${gib(e.peakMemoryBytesPerGpu)} of ${gib(e.memoryCapacityBytesPerGpu)} (usable ${gib(e.usableMemoryBytesPerGpu)})${e.fits ? '' : '  (DOES NOT FIT)'}${e.nearCapacity ? '  (NEAR CAPACITY: the 80% band reaches past the usable memory)' : ''}`,
      ],
      [
        'Memory band',
        `${gib(e.peakMemoryRangeBytes.low)} – ${gib(e.peakMemoryRangeBytes.high)}, margin ${gib(e.memoryMarginBytes)}`,
      ],
    ]),
    keyValues(
      [
        ['weights', gib(m.weights)],
        ['gradients', gib(m.gradients)],
        ['optimizer', gib(m.optimizer)],
        ['activations', gib(m.activations)],
        ['other', gib(m.other)],
      ],
      '  ',
    ),
    'Time per step (critical path)',
    keyValues(
      [
        ['compute', seconds(t.compute)],
        ['recompute', seconds(t.recompute)],
        ['TP communication', seconds(t.tensorParallelComm)],
        ['EP communication', seconds(t.expertParallelComm)],
        ['CP communication', seconds(t.contextParallelComm)],
        ['DP communication', seconds(t.dataParallelComm)],
        ['PP communication', seconds(t.pipelineComm)],
        ['pipeline bubble', seconds(t.bubble)],
        ['optimizer', seconds(t.optimizer)],
      ],
      '  ',
    ),
    'Communication hidden behind compute',
    keyValues(
      [
        ['TP', seconds(e.hiddenCommSeconds.tensorParallelComm)],
        ['DP', seconds(e.hiddenCommSeconds.dataParallelComm)],
        ['PP', seconds(e.hiddenCommSeconds.pipelineComm)],
        ['EP', seconds(e.hiddenCommSeconds.expertParallelComm)],
        ['CP', seconds(e.hiddenCommSeconds.contextParallelComm)],
      ],
      '  ',
    ),
  ].join('\n');
}

function alternativesTable(plans: readonly ApiPlan[]): string {
  const rows = plans.map((p, i) => {
    const s = p.strategy;
    return [
      String(i + 1),
      String(s.dataParallel),
      String(s.tensorParallel),
      String(s.pipelineParallel),
      String(s.virtualStages),
      String(s.microBatchSize),
      s.sequenceParallel ? 'on' : 'off',
      s.recompute,
      s.dataParallelShard < s.dataParallel
        ? `${s.zeroStage}/h${s.dataParallelShard}`
        : String(s.zeroStage),
      s.pipelineParallel > 1 ? s.schedule : '-',
      seconds(p.estimate.stepTimeSeconds),
      count(p.estimate.tokensPerSecond),
      percent(p.estimate.mfu),
      gib(p.estimate.peakMemoryBytesPerGpu),
    ];
  });
  const header = [
    '#',
    'dp',
    'tp',
    'pp',
    'vpp',
    'mbs',
    'SP',
    'recompute',
    'ZeRO',
    'schedule',
    'step',
    'tokens/s',
    'MFU',
    'memory',
  ];
  return table(header, rows);
}

/** Says why the plan uses fewer nodes than given, with the all-nodes step time. */
function idleNodesLine(search: PlanResponse['search']): string[] {
  if (search.idleNodes === 0) return [];
  const all =
    search.allNodesStepTimeSeconds === null
      ? 'no plan fits on every node'
      : `the best plan on every node takes ${seconds(search.allNodesStepTimeSeconds)}/step`;
  return [`Leaves ${search.idleNodes} node(s) idle: ${all} (--all-nodes to use them anyway)`];
}

/** The plan report; `notes` (the framework lines) follow the header. */
export function planReport(response: PlanResponse, notes: readonly string[] = []): string {
  const { best, alternatives, search } = response;
  const rejected = Object.entries(search.rejected)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `${reason} ${count(n)}`)
    .join(', ');
  return [
    `Plan for ${best.model} on ${best.nodes} node(s) × ${best.gpusPerNode} ${best.accelerator} (${best.worldSize} GPUs)`,
    ...notes,
    '',
    `Best strategy: ${strategyLine(best.strategy)}`,
    estimateReport(best.estimate),
    '',
    alternatives.length === 0
      ? 'No alternatives requested.'
      : `Alternatives\n${alternativesTable(alternatives)}`,
    ...(search.runnerUp === null ? [] : [search.runnerUp.note]),
    '',
    ...idleNodesLine(search),
    `Search: ${count(search.candidates)} candidates, ${count(search.feasible)} feasible, ${seconds(search.elapsedSeconds)}${search.truncated ? ' (truncated by --max-candidates)' : ''}`,
    `Rejected: ${rejected === '' ? 'none' : rejected}`,
  ].join('\n');
}

export function estimateResponseReport(response: EstimateResponse): string {
  return [`Strategy: ${strategyLine(response.strategy)}`, estimateReport(response.estimate)].join(
    '\n',
  );
}
