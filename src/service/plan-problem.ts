/**
 * POST /v1/plans mapped to the domain once, on the thread that received it: one dispatch on the
 * request's kind, every lookup and limit checked there (bad input never reaches a worker), and
 * the result is plain data that a plan worker receives by structured clone and solves without
 * looking at the API request again. The model travels as its TransformerSpec, an operator graph,
 * ONNX bytes or an uploaded model's decoded structure; the worker builds the graph from it (a
 * pure, deterministic step of the graph room).
 */
import type { ExportFormat, PlanRequest } from '../contract/index.js';
import { InvariantError } from '../base/index.js';
import {
  SEARCH_DEFAULTS,
  isGraphPlanRequest,
  isTransformerPlanRequest,
} from '../contract/index.js';
import type { AccuracyBands, ProfileCatalog } from '../hardware-profiles/index.js';
import type { TransformerSpec } from '../model-spec/index.js';
import type { HeteroProblem, PlanningProblem } from '../search/index.js';
import type { GraphPlanningInputs } from './graph-plans.js';
import { graphSolverSeconds, toGraphPlanningInputs } from './graph-plans.js';
import { isHeteroPlanRequest, normalisePlanCluster, toHeteroProblem } from './hetero-plans.js';
import { toPlanningProblem } from './map-request.js';
import type { OnnxModelCache } from './onnx-models.js';
import { planId } from './plan-cache.js';

export type PlanProblem =
  | {
      readonly kind: 'transformer';
      readonly id: string;
      readonly spec: TransformerSpec;
      readonly problem: Omit<PlanningProblem, 'graph'>;
      /** search.exports, inlined in best.exports. */
      readonly exports: readonly ExportFormat[];
      readonly timeLimitMilliseconds: number;
      readonly accuracy: AccuracyBands;
    }
  | {
      readonly kind: 'heterogeneous';
      readonly id: string;
      readonly spec: TransformerSpec;
      readonly problem: Omit<HeteroProblem, 'graph'>;
      readonly timeLimitMilliseconds: number;
      readonly accuracy: AccuracyBands;
    }
  | {
      readonly kind: 'operator-graph';
      readonly id: string;
      readonly inputs: GraphPlanningInputs;
      readonly solver: 'highs' | 'javascript-lp-solver' | undefined;
      readonly solverSeconds: number;
      readonly timeLimitMilliseconds: number;
    };

/**
 * Wall-clock limit of a graph plan in a worker: every ILP gets at least 0.5 s (MIN_ILP_SECONDS),
 * so the solves may overrun the solver budget; allow twice the budget plus 10 s.
 */
function graphTimeLimitMilliseconds(solverSeconds: number): number {
  return (2 * solverSeconds + 10) * 1000;
}

/**
 * The one dispatch on a plan request's kind (cluster mixes and one-group clusters normalised).
 * @param onnxModels uploaded ONNX models, for model.graphId (a 404 names an unknown one)
 */
export function preparePlan(
  catalog: ProfileCatalog,
  original: PlanRequest,
  onnxModels?: OnnxModelCache,
): PlanProblem {
  const request = normalisePlanCluster(catalog, original);
  const id = planId(request);
  const timeLimitMilliseconds =
    (request.search?.timeLimitSeconds ?? SEARCH_DEFAULTS.timeLimitSeconds) * 1000;
  if (isGraphPlanRequest(request)) {
    const solverSeconds = graphSolverSeconds(request);
    return {
      kind: 'operator-graph',
      id,
      inputs: toGraphPlanningInputs(catalog, request, onnxModels),
      solver: request.search?.solver,
      solverSeconds,
      timeLimitMilliseconds: graphTimeLimitMilliseconds(solverSeconds),
    };
  }
  if (isHeteroPlanRequest(request)) {
    const { spec, ...problem } = toHeteroProblem(catalog, request);
    return {
      kind: 'heterogeneous',
      id,
      spec,
      problem,
      timeLimitMilliseconds,
      accuracy: catalog.accuracy,
    };
  }
  if (isTransformerPlanRequest(request)) {
    const { spec, ...problem } = toPlanningProblem(catalog, request);
    const exports = request.search?.exports ?? [];
    return {
      kind: 'transformer',
      id,
      spec,
      problem,
      exports,
      timeLimitMilliseconds,
      accuracy: catalog.accuracy,
    };
  }
  throw new InvariantError('a plan request is a transformer, an operator graph or heterogeneous');
}
