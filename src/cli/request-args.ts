/**
 * Flags (over an optional --request body) → API request bodies for plan, estimate, select and
 * schedule. Each builder sets only the fields whose flags were given, lays them over the file,
 * and checks that the fields the API requires are present (naming the flag when not). Values are
 * validated by the API schemas afterwards, and their errors name the flag (errors.ts).
 */
import type { Values } from './args.js';
import {
  int,
  intList,
  modelInput,
  num,
  onnxBinding,
  onOff,
  planModelInput,
  sequenceParallel,
  str,
  strList,
} from './args.js';
import { CliUsageError } from './errors.js';
import { heteroCluster, interGroup, inventory, prices } from './hetero-args.js';
import type { Json, RequestBase } from './request-file.js';
import { deepMerge, defined, isObject, requireField, requireFields } from './request-file.js';

/**
 * Operator-graph JSON takes its shapes from the graph: --seq is then optional (and unused). An
 * .onnx model needs it: its sequence-named dims bind to training.sequenceLength.
 */
const GRAPH_SEQUENCE_PLACEHOLDER = 1;

function training(values: Values): Json {
  return defined({
    globalBatchSize: int(values, 'global-batch'),
    sequenceLength: int(values, 'seq'),
    precision: str(values, 'precision'),
    framework: str(values, 'framework'),
    flashAttention: onOff(values, 'flash-attention'),
    dropout: onOff(values, 'dropout'),
    overlapGradientReduce: onOff(values, 'overlap-grad-reduce'),
    gradientReduceInFp32: onOff(values, 'grad-reduce-fp32'),
    fsdpParameterDtype: str(values, 'fsdp-param-dtype'),
  });
}

/** --cluster / --accelerator start a new cluster; --nodes, --gpus-per-node alone amend the file's. */
function cluster(values: Values, fromFile: unknown): Json | undefined {
  const hetero = heteroCluster(values);
  if (hetero !== undefined) return hetero;
  const file = isObject(fromFile) ? fromFile : {};
  const sizes = defined({ gpusPerNode: int(values, 'gpus-per-node'), nodes: int(values, 'nodes') });
  const preset = str(values, 'cluster');
  const accelerator = str(values, 'accelerator');
  if (preset !== undefined && accelerator !== undefined) {
    throw new CliUsageError('--accelerator', 'give --cluster <preset> or --accelerator, not both');
  }
  const link = interGroup(values);
  if (link !== undefined) {
    if (!('groups' in file)) throw new CliUsageError('--inter-group-gbps', 'needs --groups');
    return deepMerge(file, { interGroup: link });
  }
  if (preset !== undefined) {
    if (sizes['gpusPerNode'] !== undefined) {
      throw new CliUsageError('--gpus-per-node', 'goes with --accelerator, not a --cluster preset');
    }
    return { preset, nodes: sizes['nodes'] ?? file['nodes'] };
  }
  if (accelerator !== undefined) {
    const base =
      'accelerator' in file ? file : { gpusPerNode: file['gpusPerNode'], nodes: file['nodes'] };
    return defined(deepMerge(base, { accelerator, ...sizes }));
  }
  return Object.keys(sizes).length === 0 ? undefined : deepMerge(file, sizes);
}

/** The cluster fields a preset or custom cluster needs, named by flag. */
function requireCluster(base: RequestBase, body: Json): void {
  requireField(base, body, 'cluster', '--cluster');
  const c = body['cluster'];
  if (!isObject(c) || 'mix' in c || 'groups' in c) return;
  if ('accelerator' in c) requireField(base, body, 'cluster.gpusPerNode', '--gpus-per-node');
  requireField(base, body, 'cluster.nodes', '--nodes');
}

/** The axis pins: list-valued for plan (search.constraints), single values for estimate. */
function axes(values: Values, list: boolean): Json {
  const sp = sequenceParallel(values);
  const ints = (name: string) => (list ? intList(values, name) : int(values, name));
  const strs = (name: string) => (list ? strList(values, name) : str(values, name));
  const zero = list ? intList(values, 'zero') : int(values, 'zero');
  return defined({
    dataParallel: ints('dp'),
    tensorParallel: ints('tp'),
    pipelineParallel: ints('pp'),
    contextParallel: ints('cp'),
    expertParallel: ints('ep'),
    expertTensorParallel: ints('etp'),
    virtualStages: ints('vpp'),
    microBatchSize: ints('mbs'),
    zeroStage: zero,
    dataParallelShard: ints('dp-shard'),
    recompute: strs('recompute'),
    schedule: strs('schedule'),
    sequenceParallel: sp === undefined ? undefined : list ? [sp] : sp,
  });
}

function searchOptions(values: Values): Json {
  const emit = str(values, 'emit');
  if (emit === undefined && values['emit-only'] === true) {
    throw new CliUsageError('--emit-only', 'needs --emit <format>');
  }
  const constraints = axes(values, true);
  return defined({
    objective: str(values, 'objective'),
    topK: int(values, 'top'),
    maxCandidates: int(values, 'max-candidates'),
    allowIdleNodes: values['all-nodes'] === true ? false : undefined,
    stepTimeTargetSeconds: num(values, 'step-time-target'),
    timeLimitSeconds: num(values, 'time-limit'),
    solver: str(values, 'solver'),
    exports: emit === undefined ? undefined : [emit],
    prices: prices(values),
    constraints: Object.keys(constraints).length === 0 ? undefined : constraints,
  });
}

const isGraphModel = (model: unknown): boolean => isObject(model) && 'graph' in model;

/** `strata plan` → a POST /v1/plans body. */
export function planBody(values: Values, base: RequestBase): Json {
  const modelFlag = str(values, 'model');
  const search = searchOptions(values);
  const body = deepMerge(base.body, {
    model: modelFlag === undefined ? undefined : planModelInput(modelFlag, onnxBinding(values)),
    training: training(values),
    search: Object.keys(search).length === 0 ? undefined : search,
  });
  const planCluster = cluster(values, base.body['cluster']);
  if (planCluster !== undefined) body['cluster'] = planCluster;
  requireField(base, body, 'model', '--model');
  requireCluster(base, body);
  requireField(base, body, 'training.globalBatchSize', '--global-batch');
  if (isGraphModel(body['model'])) {
    body['training'] = deepMerge(
      { sequenceLength: GRAPH_SEQUENCE_PLACEHOLDER },
      body['training'] as Json,
    );
  }
  requireField(base, body, 'training.sequenceLength', '--seq');
  return body;
}

/** `strata estimate` → a POST /v1/estimates body. */
export function estimateBody(values: Values, base: RequestBase): Json {
  const modelFlag = str(values, 'model');
  const strategy = defined({
    ...axes(values, false),
    contextParallelComm: str(values, 'cp-comm'),
    numMicroBatches: int(values, 'micro-batches'),
  });
  const body = deepMerge(base.body, {
    model: modelFlag === undefined ? undefined : modelInput(modelFlag),
    training: training(values),
    strategy,
  });
  const estimateCluster = cluster(values, base.body['cluster']);
  if (estimateCluster !== undefined) body['cluster'] = estimateCluster;
  requireField(base, body, 'model', '--model');
  requireCluster(base, body);
  requireFields(base, body, [
    ['training.globalBatchSize', '--global-batch'],
    ['training.sequenceLength', '--seq'],
    ['strategy.dataParallel', '--dp'],
    ['strategy.tensorParallel', '--tp'],
    ['strategy.pipelineParallel', '--pp'],
    ['strategy.microBatchSize', '--mbs'],
  ]);
  return body;
}

/** `strata select` → a POST /v1/cluster-selections body. */
export function selectionBody(values: Values, base: RequestBase): Json {
  const modelFlag = str(values, 'model');
  const body = deepMerge(base.body, {
    model: modelFlag === undefined ? undefined : modelInput(modelFlag),
    training: training(values),
    inventory: inventory(values),
    interGroup: interGroup(values),
    prices: prices(values),
    budgetUsdPerHour: num(values, 'budget'),
    stepTimeTargetSeconds: num(values, 'step-time-target'),
    timeLimitSeconds: num(values, 'time-limit'),
  });
  requireFields(base, body, [
    ['model', '--model'],
    ['training.globalBatchSize', '--global-batch'],
    ['training.sequenceLength', '--seq'],
    ['inventory', '--inventory'],
  ]);
  return body;
}

/** `strata schedule` → a POST /v1/schedules body (stage times only from --request). */
export function scheduleBody(values: Values, base: RequestBase): Json {
  const body = deepMerge(base.body, {
    stages: int(values, 'stages'),
    microBatches: int(values, 'micro-batches'),
    schedule: str(values, 'schedule'),
    virtualStages: int(values, 'virtual-stages'),
    slices: int(values, 'slices'),
  });
  requireFields(base, body, [
    ['stages', '--stages'],
    ['microBatches', '--micro-batches'],
    ['schedule', '--schedule'],
  ]);
  return body;
}
