/** The CLI commands: each returns the text to print (the caller writes it and sets the exit code). */
import { acceleratorList, clusterPresetList, modelList } from '../api/catalog-views.js';
import { loadProfileCatalog } from '../hardware-profiles/index.js';
import { estimate, plan } from '../lib.js';
import { z } from 'zod';
import { toApiError } from '../api/normalise-error.js';
import { renderSchedule, simulateRequestedSchedule } from '../api/schedules.js';
import { ScheduleFormat, ScheduleRequest } from '../api/schemas.js';
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
import { estimateResponseReport } from './format.js';
import { graphPlanReport, isGraphResponse, planOutput } from './plan-output.js';
import { bytesPerSecond, count, gib, table } from './table.js';

export const USAGE = `Usage: strata <command> [flags]

Commands
  plan        search for the best parallelism strategy
  estimate    estimate one strategy
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
           [--emit megatron|deepspeed|torchtitan|torchrun|rankmap [--emit-only]]
           --model graph.json|model.onnx: operator graph (--seq optional; [--batch-size <n>]
           for symbolic ONNX batch dims; [--solver highs|javascript-lp-solver])
schedule:  --stages <p> --micro-batches <m> --schedule <id> [--virtual-stages <v>]
           [--slices <k>] [--format csv|trace|svg|json]
estimate:  --dp <n> --tp <n> --pp <n> --mbs <n> [--micro-batches <n>] [--vpp <n>]
           [--sp|--no-sp] [--recompute none|selective|full] [--zero 0|1|2|3] [--schedule <id>]

Example
  strata plan --model llama3-70b --cluster dgx-h100 --nodes 64 --global-batch 1024 --seq 8192
`;

const json = (value: unknown): string => JSON.stringify(value, null, 2);

async function planCommand(args: readonly string[]): Promise<string> {
  const values = parse(args, PLAN_OPTIONS);
  if (values['help'] === true) return USAGE;
  const response = await plan(planRequest(values));
  if (values['json'] === true) return json(response);
  if (isGraphResponse(response)) return graphPlanReport(response);
  const emit = values['emit'];
  return planOutput(
    response,
    typeof emit === 'string' ? emit : undefined,
    values['emit-only'] === true,
  );
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
