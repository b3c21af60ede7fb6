/** `strata plan` output: the report (transformer or operator graph), then any --emit export. */
import type { AnyPlanResponse, GraphPlanResponse, PlanResponse } from '../contract/index.js';
import { planReport } from './format.js';
import { table } from './table.js';

const seconds = (s: number): string =>
  s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`;

export function isGraphResponse(response: AnyPlanResponse): response is GraphPlanResponse {
  return 'kind' in response.best && response.best.kind === 'operator-graph';
}

export function graphPlanReport(response: GraphPlanResponse): string {
  const { best, search } = response;
  const ops = best.ops.map((op) => [
    op.id,
    String(op.stage),
    `${op.mesh.join('×')}`,
    op.strategy,
    op.outputs.map((t) => `${t.tensor}[${t.layout}]`).join(' '),
  ]);
  return [
    `Operator-graph plan on ${best.nodes} node(s) × ${best.gpusPerNode} ${best.accelerator} (${best.worldSize} GPUs)`,
    `Stages: ${best.stages.map((s) => `${s.mesh.join('×')} (${s.ops.length} ops, ${seconds(s.latencySeconds)})`).join(', ')}`,
    `Step time: ${seconds(best.estimate.stepTimeSeconds)} (${best.estimate.numMicroBatches} micro-batches, ${best.estimate.samplesPerSecond.toFixed(1)} samples/s)`,
    '',
    table(['op', 'stage', 'mesh', 'strategy', 'outputs'], ops),
    '',
    `Solver: ${search.solver} ${search.status} in ${seconds(search.solverSeconds)}`,
  ].join('\n');
}

/** The export's text named by --emit, printed after the report or alone (--emit-only). */
export function planOutput(
  response: PlanResponse,
  emit: string | undefined,
  only: boolean,
  notes: readonly string[] = [],
): string {
  const exports = response.best.exports ?? {};
  const text =
    emit === undefined ? undefined : Object.entries(exports).find(([f]) => f === emit)?.[1]?.text;
  if (text === undefined) return planReport(response, notes);
  return only ? text.trimEnd() : `${planReport(response, notes)}\n\n${text.trimEnd()}`;
}
