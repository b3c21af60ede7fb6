/**
 * POST /v1/plans on heterogeneous clusters (issue #5): cluster.groups / cluster.mix →
 * HeterogeneousCluster → planHeterogeneous → HeteroPlanResponse. A one-group cluster (or a
 * one-group mix) is rewritten to its group before hashing, so it is the v1 request exactly.
 */
import { performance } from 'node:perf_hooks';
import type {
  AccuracyBands,
  HeterogeneousCluster,
  ProfileCatalog,
  ClusterMixFile,
} from '../hardware-profiles/index.js';
import { heteroClusterFromSpec, heteroWorldSize, findDevice } from '../hardware-profiles/index.js';
import type { HeteroObjective, HeteroProblem } from '../search/index.js';
import type { TransformerSpec } from '../model-spec/index.js';
import { planHeterogeneous } from '../search/index.js';
import { ApiError, LIMITS, SEARCH_DEFAULTS, isGraphPlanRequest } from '../contract/index.js';
import { heteroPlanToApi } from './hetero-response.js';
import { clusterFromInput, specFromModelInput, trainingFromInput } from './map-request.js';
import { toApiError } from './normalise-error.js';
import type { PlanOutcome } from './plan-cache.js';
import { rankedPlansToApi } from './ranked-plans.js';
import type {
  ClusterInput,
  HeteroClusterInput,
  InterGroupInput,
  PlanRequest,
  TransformerPlanRequest,
} from '../contract/index.js';

/** A plan request whose cluster has two or more node groups (after normalisePlanCluster). */
export type HeteroPlanRequest = TransformerPlanRequest & { readonly cluster: HeteroClusterInput };

export function isHeteroPlanRequest(request: PlanRequest): request is HeteroPlanRequest {
  return 'groups' in request.cluster && !isGraphPlanRequest(request);
}

/** A cluster-mix file as the request's node groups. */
export function mixClusterInput(mix: ClusterMixFile): HeteroClusterInput {
  const groups = mix.groups.map((g) => ({ preset: g.preset, nodes: g.nodes }));
  const link = mix.interGroup;
  if (link === undefined) return { groups };
  const interGroup: InterGroupInput = {
    bandwidthGBps: link.bandwidthGBps,
    latencyMicroseconds: link.latencyMicroseconds,
    ...(link.efficiency === undefined ? {} : { efficiency: link.efficiency }),
  };
  return { groups, interGroup };
}

/** cluster.mix → its groups and interGroup; one group → the group itself (the v1 request). */
export function normalisePlanCluster(catalog: ProfileCatalog, request: PlanRequest): PlanRequest {
  const cluster = request.cluster;
  if ('mix' in cluster) {
    const mix = catalog.clusterMixes.get(cluster.mix);
    if (mix === undefined) {
      const validIds = [...catalog.clusterMixes.keys()].sort();
      throw new ApiError(
        'UNKNOWN_PRESET',
        `unknown cluster mix '${cluster.mix}'; see GET /v1/clusters (mixes): ${validIds.join(', ')}`,
        { field: 'cluster.mix', details: { id: cluster.mix, validIds } },
      );
    }
    return normalisePlanCluster(catalog, { ...request, cluster: mixClusterInput(mix) });
  }
  if ('groups' in cluster && cluster.groups.length === 1 && cluster.groups[0] !== undefined) {
    heteroClusterFromInput(catalog, cluster); // errors name cluster.groups[0]
    return { ...request, cluster: cluster.groups[0] };
  }
  return request;
}

/** Where a group's errors point: `cluster.groups[i]` (plans) or `inventory[i]` (selections). */
export interface GroupFields {
  readonly groups: string;
  /** The request's name for a group's node count. */
  readonly nodes: string;
}
const PLAN_GROUPS: GroupFields = { groups: 'cluster.groups', nodes: 'nodes' };

/** Run `build`, renaming `cluster.x` in its error to `<groups>[index].x`. */
function inGroup<T>(index: number, fields: GroupFields, build: () => T): T {
  try {
    return build();
  } catch (error) {
    const e = toApiError(error);
    if (e.field === undefined || !e.field.startsWith('cluster.')) throw e;
    const key = e.field.slice('cluster.'.length);
    const field = `${fields.groups}[${index}].${key === 'nodes' ? fields.nodes : key}`;
    throw new ApiError(e.code, e.message.replaceAll(e.field, field), {
      field,
      ...(e.issues === undefined ? {} : { issues: e.issues }),
      ...(e.details === undefined ? {} : { details: e.details }),
      cause: error,
    });
  }
}

/** Validate every group (errors name it) and the summed world size; build the domain cluster. */
export function heteroClusterFromInput(
  catalog: ProfileCatalog,
  input: { readonly groups: readonly ClusterInput[]; readonly interGroup?: InterGroupInput },
  fields: GroupFields = PLAN_GROUPS,
  id?: string,
): HeterogeneousCluster {
  input.groups.forEach((g, i) => inGroup(i, fields, () => clusterFromInput(catalog, g)));
  const cluster = heteroClusterFromSpec(catalog, {
    ...(id === undefined ? {} : { id }),
    groups: input.groups,
    ...(input.interGroup === undefined ? {} : { interGroup: input.interGroup }),
  });
  const gpus = heteroWorldSize(cluster);
  if (gpus > LIMITS.worldSize) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `${fields.groups}: ${gpus} GPUs over all groups exceeds the limit of ${LIMITS.worldSize} GPUs`,
      { field: fields.groups, details: { worldSize: gpus, limit: LIMITS.worldSize } },
    );
  }
  return cluster;
}

/** Every price names a known accelerator (400 naming the entry otherwise). */
export function checkPrices(
  catalog: ProfileCatalog,
  prices: Readonly<Record<string, number>> | undefined,
  field: string,
): void {
  for (const id of Object.keys(prices ?? {})) {
    try {
      findDevice(catalog, id);
    } catch {
      throw new ApiError('UNKNOWN_ACCELERATOR', `${field}: unknown accelerator '${id}'`, {
        field: `${field}.${id}`,
        details: { id, validIds: [...catalog.devices.keys()].sort() },
      });
    }
  }
}

const UNSUPPORTED_SEARCH = ['constraints', 'stepTimeTargetSeconds', 'exports', 'solver'] as const;

function heteroObjective(request: HeteroPlanRequest): HeteroObjective {
  const objective = request.search?.objective ?? SEARCH_DEFAULTS.objective;
  if (objective === 'fastest' || objective === 'cheapest') return objective;
  throw new ApiError(
    'VALIDATION_FAILED',
    `search.objective: '${objective}' is not supported on a heterogeneous cluster (use fastest or cheapest)`,
    { field: 'search.objective' },
  );
}

/** Validate and map a heterogeneous plan request (cheap; on the main thread before a worker). */
export function toHeteroProblem(
  catalog: ProfileCatalog,
  request: HeteroPlanRequest,
): Omit<HeteroProblem, 'graph'> & { readonly spec: TransformerSpec } {
  const search = request.search ?? {};
  for (const key of UNSUPPORTED_SEARCH) {
    if (search[key] !== undefined) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `search.${key} is not supported on a heterogeneous cluster${key === 'exports' ? ' (GET /v1/plans/{id}/export exports a homogeneous best plan)' : ''}`,
        { field: `search.${key}` },
      );
    }
  }
  checkPrices(catalog, search.prices, 'search.prices');
  const training = trainingFromInput(request.training);
  return {
    spec: specFromModelInput(catalog, request.model),
    cluster: heteroClusterFromInput(catalog, request.cluster),
    training,
    objective: heteroObjective(request),
    ...(search.prices === undefined ? {} : { prices: search.prices }),
    maxCandidates: search.maxCandidates ?? SEARCH_DEFAULTS.heteroMaxCandidates,
    topK: search.topK ?? SEARCH_DEFAULTS.topK,
  };
}

/** Plan on a heterogeneous cluster in the calling thread. */
export function solveHeteroPlan(
  problem: HeteroProblem,
  id: string,
  accuracy: AccuracyBands,
): PlanOutcome {
  const started = performance.now();
  const result = planHeterogeneous(problem);
  const plans = [result.best, ...result.alternatives];
  const ranked = rankedPlansToApi(result, (p) => heteroPlanToApi(p, accuracy));
  return {
    kind: 'heterogeneous',
    response: {
      id,
      ...ranked,
      search: {
        ...ranked.search,
        pruned: result.search.pruned,
        elapsedSeconds: (performance.now() - started) / 1000,
        truncated: result.search.truncated,
        lowerBoundSeconds: result.search.lowerBoundSeconds,
        gapFraction: result.search.gapFraction,
      },
    },
    plans: plans.map((p) => p.homogeneousPlan ?? null),
    spec: problem.graph.spec,
  };
}
