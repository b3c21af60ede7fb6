/**
 * Heterogeneous-cluster flags (issue #5) → request fields: --cluster-mix, --groups,
 * --inter-group-gbps, --price, and select's --inventory / --budget.
 */
import type { ClusterSelectionRequest, PlanRequest } from '../contract/index.js';
import { CliUsageError } from './errors.js';

type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;
type Prices = NonNullable<ClusterSelectionRequest['prices']>;
type InterGroup = NonNullable<ClusterSelectionRequest['interGroup']>;

/**
 * Latency of --inter-group-gbps when --inter-group-latency-us is not given: 20 µs, the alpha of
 * the 100 GbE uplinks in profiles/cluster-mixes (mix-a100-v100, mix-a100-a10).
 */
const DEFAULT_INTER_GROUP_LATENCY_MICROSECONDS = 20;

const str = (values: Values, name: string): string | undefined => {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
};

function number(raw: string, flag: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new CliUsageError(flag, `must be a number, got '${raw}'`);
  }
  return value;
}

/** `a:4,b:2` → [['a', 4], ['b', 2]] (counts are checked by the API schemas). */
function pairs(raw: string, flag: string, sep: string): [string, number][] {
  return raw.split(',').map((item) => {
    const at = item.lastIndexOf(sep);
    if (at <= 0) throw new CliUsageError(flag, `expected <id>${sep}<n>, got '${item}'`);
    return [item.slice(0, at).trim(), number(item.slice(at + 1), flag)];
  });
}

export function interGroup(values: Values): InterGroup | undefined {
  const gbps = str(values, 'inter-group-gbps');
  const latency = str(values, 'inter-group-latency-us');
  if (gbps === undefined) {
    if (latency !== undefined)
      throw new CliUsageError('--inter-group-latency-us', 'needs --inter-group-gbps');
    return undefined;
  }
  return {
    bandwidthGBps: number(gbps, '--inter-group-gbps'),
    latencyMicroseconds:
      latency === undefined
        ? DEFAULT_INTER_GROUP_LATENCY_MICROSECONDS
        : number(latency, '--inter-group-latency-us'),
  };
}

/**
 * --cluster-mix <id> or --groups <preset>:<nodes>,... (with --inter-group-gbps); undefined when
 * neither is given.
 */
export function heteroCluster(values: Values): PlanRequest['cluster'] | undefined {
  const mix = str(values, 'cluster-mix');
  const groups = str(values, 'groups');
  if (mix !== undefined && groups !== undefined) {
    throw new CliUsageError('--groups', 'give --cluster-mix or --groups, not both');
  }
  if (mix !== undefined) return { mix };
  if (groups === undefined) return undefined;
  const link = interGroup(values);
  return {
    groups: pairs(groups, '--groups', ':').map(([preset, nodes]) => ({ preset, nodes })),
    ...(link === undefined ? {} : { interGroup: link }),
  };
}

/** --price <accelerator>=<usd per GPU-hour>, repeatable. */
export function prices(values: Values): Prices | undefined {
  const raw = values['price'];
  const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
  if (list.length === 0) return undefined;
  return Object.fromEntries(list.flatMap((p) => pairs(p, '--price', '=')));
}

/** --inventory <preset>:<maxNodes>,... */
export function inventory(values: Values): ClusterSelectionRequest['inventory'] | undefined {
  const raw = str(values, 'inventory');
  if (raw === undefined) return undefined;
  return pairs(raw, '--inventory', ':').map(([preset, maxNodes]) => ({ preset, maxNodes }));
}
