/**
 * Plans and cluster selections for an interactive in-process caller (the CLI) that wants its own
 * thread free while a search runs, to draw progress: requests are validated and prepared on the
 * calling thread (so bad input fails at once, with the HTTP API's errors), then solved in a plan
 * worker. Unlike the HTTP planner there is no default time limit: a terminal user waits as long
 * as they choose, and only search.timeLimitSeconds, when the request gives it, bounds the run.
 */
import type {
  AnyPlanResponse,
  ClusterSelectionResponse,
  ScheduleFormat,
} from '../contract/index.js';
import { ApiError, ClusterSelectionRequest, PlanRequest } from '../contract/index.js';
import type { ProfileCatalog } from '../hardware-profiles/index.js';
import { prepareClusterSelection } from './cluster-selection.js';
import { toApiError } from './normalise-error.js';
import { readPlanDomain } from './plan-cache.js';
import { preparePlan } from './plan-problem.js';
import type { RenderedSchedule } from './schedules.js';
import { renderSchedule, simulatePlanSchedule } from './schedules.js';
import { createPlanPool } from './worker-pool.js';

/** setTimeout's largest delay (2^31 − 1 ms, about 24.8 days): "no limit" for the pool's timer. */
const NO_TIME_LIMIT_MILLISECONDS = 2 ** 31 - 1;

export interface OffThreadPlan {
  readonly response: AnyPlanResponse;
  /** The best plan's pipeline schedule (GET /v1/plans/{id}/schedule?format=…). */
  schedule(format: ScheduleFormat): RenderedSchedule;
}

export interface OffThreadRunner {
  /** POST /v1/plans, solved in a worker; failures are ApiErrors. */
  plan(input: unknown): Promise<OffThreadPlan>;
  /** POST /v1/cluster-selections, solved in a worker; failures are ApiErrors. */
  select(input: unknown): Promise<ClusterSelectionResponse>;
  close(): Promise<void>;
}

export interface OffThreadOptions {
  /** Plan workers (default 1); several let independent plans run side by side. */
  readonly workers?: number;
}

const limitOf = (asked: number | undefined, prepared: number): number =>
  asked === undefined ? NO_TIME_LIMIT_MILLISECONDS : prepared;

/** A runner owning its own worker pool; close it when done. */
export function createOffThreadRunner(
  catalog: ProfileCatalog,
  options: OffThreadOptions = {},
): OffThreadRunner {
  const pool = createPlanPool({ size: options.workers ?? 1 });
  return {
    async plan(input) {
      try {
        const request = PlanRequest.parse(input);
        const problem = preparePlan(catalog, request);
        const limit = limitOf(request.search?.timeLimitSeconds, problem.timeLimitMilliseconds);
        // Without a limit the CLI's search runs to the end (the problem's limit is its deadline).
        const stored = await pool.run({ ...problem, timeLimitMilliseconds: limit }, limit);
        const response = JSON.parse(
          Buffer.from(stored.responseJson).toString('utf8'),
        ) as AnyPlanResponse;
        return {
          response,
          schedule(format) {
            const domain = readPlanDomain(stored);
            const best = domain.kind === 'operator-graph' ? null : domain.plans[0];
            if (best === undefined || best === null) {
              throw new ApiError('INFEASIBLE', 'this plan has no pipeline schedule', {
                details: { reason: domain.kind },
              });
            }
            return renderSchedule(simulatePlanSchedule(best), format);
          },
        };
      } catch (error) {
        throw toApiError(error);
      }
    },
    async select(input) {
      try {
        const request = ClusterSelectionRequest.parse(input);
        const problem = prepareClusterSelection(catalog, request);
        return await pool.select(
          problem,
          limitOf(request.timeLimitSeconds, problem.timeLimitMilliseconds),
        );
      } catch (error) {
        throw toApiError(error);
      }
    },
    close: () => pool.close(),
  };
}
