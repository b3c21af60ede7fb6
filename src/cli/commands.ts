/** The CLI commands: each returns the text to print (the caller writes it and sets the exit code). */
import { acceleratorList, clusterPresetList, modelList } from '../service/catalog-views.js';
import { loadProfileCatalog } from '../hardware-profiles/index.js';
import { estimate, plan, selectCluster } from '../lib.js';
import { z } from 'zod';
import { toApiError } from '../service/normalise-error.js';
import { renderSchedule, simulateRequestedSchedule } from '../service/schedules.js';
import { ScheduleFormat, ScheduleRequest } from '../contract/index.js';
import {
  ESTIMATE_OPTIONS,
  PLAN_OPTIONS,
  SCHEDULE_OPTIONS,
  estimateRequest,
  parse,
  planRequest,
  scheduleRequest,
} from './args.js';
import { CliUsageError } from './errors.js';
import { runStudyCommand } from './study.js';
import {
  SELECT_OPTIONS,
  heteroPlanReport,
  isHeteroResponse,
  selectionReport,
  selectionRequest,
} from './hetero-output.js';
import { estimateResponseReport } from './format.js';
import { graphPlanReport, isGraphResponse, planOutput } from './plan-output.js';
import { bytesPerSecond, count, gib, table } from './table.js';

export const USAGE = `Usage: strata <command> [flags]

Commands
  plan        search for the best parallelism strategy
  estimate    estimate one strategy
  select      choose a sub-cluster of an inventory under a $/hour budget (Pareto frontier)
  schedule    generate and simulate a pipeline schedule (CSV by default)
  models      list the model zoo
  accelerators  list accelerator profiles
  clusters    list cluster presets
  study <spec.json> [--json] [--csv out.csv]   run a what-if study with a progress bar
  worker      process study scenarios from REDIS_URL (BullMQ) until SIGTERM

Common flags (plan, estimate)
  --model <id|config.json>   zoo id or a Hugging Face config.json path
  --cluster <preset> --nodes <n>
  --accelerator <id> --gpus-per-node <n> --nodes <n>   (custom cluster)
  --global-batch <sequences> --seq <tokens> [--precision bf16|fp16|fp8]
  --json                     print the API response JSON

plan:      [--objective fastest|min-gpus|max-mfu] [--top <k>] [--max-candidates <n>]
           [--step-time-target <seconds>] [--time-limit <seconds>]
           [--all-nodes]  (plan on every given node even when fewer would be faster)
           [--emit megatron|deepspeed|torchtitan|torchrun|rankmap [--emit-only]]
           Heterogeneous: --cluster-mix <id> | --groups <preset>:<nodes>,... [--inter-group-gbps <GB/s>
           [--inter-group-latency-us <us>]] [--objective fastest|cheapest] [--price <accelerator>=<usd/GPU-h> ...]
           --model graph.json|model.onnx: operator graph (--seq optional; [--batch-size <n>]
           for symbolic ONNX batch dims; [--solver highs|javascript-lp-solver])
schedule:  --stages <p> --micro-batches <m> --schedule <id> [--virtual-stages <v>]
           [--slices <k>] [--format csv|trace|svg|json]
select:    --model <id> --global-batch <n> --seq <n> --inventory <preset>:<maxNodes>,...
           [--budget <usd/h>] [--step-time-target <s>] [--price <accelerator>=<usd/GPU-h> ...]
           [--inter-group-gbps <GB/s>] [--time-limit <s>] [--json]
estimate:  --dp <n> --tp <n> --pp <n> --mbs <n> [--micro-batches <n>] [--vpp <n>]
           [--sp|--no-sp] [--recompute none|selective|full] [--zero 0|1|2|3] [--schedule <id>]

Example
  strata plan --model llama3-70b --cluster dgx-h100 --nodes 64 --global-batch 1024 --seq 8192
  strata plan --model llama3-8b --cluster-mix mix-a100-v100 --global-batch 512 --seq 4096
  strata select --model llama3-8b --global-batch 512 --seq 4096 --inventory dgx-h100:16,dgx-a100-80gb:32 --budget 100
`;

const json = (value: unknown): string => JSON.stringify(value, null, 2);

async function planCommand(args: readonly string[]): Promise<string> {
  const values = parse(args, PLAN_OPTIONS);
  if (values['help'] === true) return USAGE;
  const response = await plan(planRequest(values));
  if (values['json'] === true) return json(response);
  if (isGraphResponse(response)) return graphPlanReport(response);
  if (isHeteroResponse(response)) return heteroPlanReport(response);
  const emit = values['emit'];
  return planOutput(
    response,
    typeof emit === 'string' ? emit : undefined,
    values['emit-only'] === true,
  );
}

/** `strata select`: POST /v1/cluster-selections in-process. */
function selectCommand(args: readonly string[]): string {
  const values = parse(args, SELECT_OPTIONS);
  if (values['help'] === true) return USAGE;
  const response = selectCluster(selectionRequest(values));
  return values['json'] === true ? json(response) : selectionReport(response);
}

/** `strata schedule`: the same bounds and errors as POST /v1/schedules. */
function scheduleCommand(args: readonly string[]): string {
  const values = parse(args, SCHEDULE_OPTIONS);
  if (values['help'] === true) return USAGE;
  try {
    const { format } = z
      .object({ format: ScheduleFormat })
      .parse({ format: values['format'] ?? 'csv' });
    const rendered = renderSchedule(
      simulateRequestedSchedule(ScheduleRequest.parse(scheduleRequest(values))),
      format,
    );
    return typeof rendered.body === 'string' ? rendered.body.trimEnd() : json(rendered.body);
  } catch (error) {
    throw toApiError(error);
  }
}

function estimateCommand(args: readonly string[]): string {
  const values = parse(args, ESTIMATE_OPTIONS);
  if (values['help'] === true) return USAGE;
  const response = estimate(estimateRequest(values));
  return values['json'] === true ? json(response) : estimateResponseReport(response);
}

function listCommand(
  name: 'models' | 'accelerators' | 'clusters',
  args: readonly string[],
): string {
  const values = parse(args, { json: { type: 'boolean' } });
  const catalog = loadProfileCatalog();
  if (name === 'models') {
    const list = modelList(catalog);
    if (values['json'] === true) return json(list);
    return table(
      ['id', 'name', 'parameters', 'layers', 'hidden', 'heads', 'kv heads', 'ffn', 'vocab'],
      list.models.map((m) => [
        m.id,
        m.name,
        `${(m.parameterCount / 1e9).toFixed(2)} B`,
        String(m.layers),
        String(m.hiddenSize),
        String(m.heads),
        String(m.kvHeads),
        String(m.ffnHiddenSize),
        String(m.vocabSize),
      ]),
    );
  }
  if (name === 'accelerators') {
    const list = acceleratorList(catalog);
    if (values['json'] === true) return json(list);
    return table(
      ['id', 'name', 'memory', 'bf16 TFLOP/s', 'HBM', 'TDP', '$/GPU-h'],
      list.accelerators.map((a) => [
        a.id,
        a.name,
        gib(a.memoryBytes),
        a.peakFlopsPerSecond.bf16 === undefined ? '-' : count(a.peakFlopsPerSecond.bf16 / 1e12),
        bytesPerSecond(a.memoryBandwidthBytesPerSecond),
        `${a.tdpWatts} W`,
        a.priceUsdPerGpuHour === null ? '-' : a.priceUsdPerGpuHour.toFixed(2),
      ]),
    );
  }
  const list = clusterPresetList(catalog);
  if (values['json'] === true) return json(list);
  return table(
    ['id', 'name', 'accelerator', 'GPUs/node', 'intra-node', 'inter-node per GPU'],
    list.clusters.map((c) => [
      c.id,
      c.name,
      c.accelerator,
      String(c.gpusPerNode),
      bytesPerSecond(c.intraNode.bandwidthBytesPerSecond),
      bytesPerSecond(c.interNode.bandwidthBytesPerSecond),
    ]),
  );
}

export async function runCommand(argv: readonly string[]): Promise<string> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'plan':
      return planCommand(rest);
    case 'estimate':
      return estimateCommand(rest);
    case 'select':
      return selectCommand(rest);
    case 'schedule':
      return scheduleCommand(rest);
    case 'models':
    case 'accelerators':
    case 'clusters':
      return listCommand(command, rest);
    case 'study':
      return runStudyCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return USAGE;
    default:
      throw new CliUsageError(null, `unknown command '${command}' (try: strata help)`);
  }
}
