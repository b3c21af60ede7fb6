/**
 * The export room's door: executable outputs from a Plan (STYLE.md layout: `export/` reads only
 * plans). Each result carries `text`, the file a user saves; failures are ExportError.
 */
import type { TransformerSpec } from '../model-spec/index.js';
import type { Plan } from '../plan/index.js';
import { deepspeedConfig, type DeepSpeedExport } from './deepspeed.js';
import type { ExportFormat } from './errors.js';
import { megatronArgs, type MegatronExport } from './megatron.js';
import { rankMap, type RankMap } from './rank-map.js';
import { torchrunLaunch, type LaunchExport } from './torchrun.js';
import { torchtitanConfig, type TorchtitanExport } from './torchtitan.js';

export { ExportError } from './errors.js';
export type { ExportErrorReason, ExportFormat } from './errors.js';
export { megatronArgs } from './megatron.js';
export type { MegatronExport } from './megatron.js';
export { validateForMegatron } from './megatron-validate.js';
export { megatronLaunchCheck } from './megatron-launch-check.js';
export type { MegatronLaunch } from './megatron-launch-check.js';
export { deepspeedLaunchCheck, deepspeedDataParallelSize } from './deepspeed-launch-check.js';
export type { DeepSpeedLaunchInput } from './deepspeed-launch-check.js';
export { torchtitanLaunchCheck, readTorchtitanOverrides } from './torchtitan-launch-check.js';
export type { TorchtitanLaunchInput, TorchtitanResolved } from './torchtitan-launch-check.js';
export type { LaunchViolation } from './launch-check.js';
export { megatronEnv, frameworkEnv } from './env.js';
export type { LaunchEnv } from './env.js';
export { formatPipelineLayout, parsePipelineLayout } from './megatron-layout.js';
export { parseMegatronArgs, parseLaunchCommand, shellWords } from './parse-megatron.js';
export type { ParsedMegatronArgs } from './parse-megatron.js';
export { deepspeedConfig } from './deepspeed.js';
export type { DeepSpeedConfig, DeepSpeedExport } from './deepspeed.js';
export type { DeepSpeedPipeline } from './deepspeed-script.js';
export type { DeepSpeedLaunch, DeepSpeedTopology } from './deepspeed-script.js';
export { torchtitanConfig } from './torchtitan.js';
export type { TorchtitanExport, TorchtitanSetting, TorchtitanSwitch } from './torchtitan.js';
export { torchtitanSchedule, SCHEDULE_CSV_FILE } from './torchtitan-schedule.js';
export type { TorchtitanSchedule } from './torchtitan-schedule.js';
export { torchrunLaunch, DEFAULT_RDZV_PORT } from './torchrun.js';
export type { LaunchExport, LaunchOptions } from './torchrun.js';
export { rankMap, rankMapSummary, rankCoordinates, globalRank } from './rank-map.js';
export type { RankCoordinates, RankMap, RankMapOptions, RankMapSummary } from './rank-map.js';

export type PlanExport =
  | ({ readonly format: 'megatron' } & MegatronExport)
  | ({ readonly format: 'deepspeed' } & DeepSpeedExport)
  | ({ readonly format: 'torchtitan' } & TorchtitanExport)
  | ({ readonly format: 'torchrun' } & LaunchExport)
  | ({ readonly format: 'rankmap' } & RankMap & { readonly text: string });

/** Rank-map export as JSON text; large worlds are cut to `limit` ranks (summary always whole). */
const RANKMAP_TEXT_LIMIT = 4096;

export function exportPlan(plan: Plan, spec: TransformerSpec, format: ExportFormat): PlanExport {
  switch (format) {
    case 'megatron':
      return { format, ...megatronArgs(plan, spec) };
    case 'deepspeed':
      return { format, ...deepspeedConfig(plan, spec) };
    case 'torchtitan':
      return { format, ...torchtitanConfig(plan, spec) };
    case 'torchrun':
      return { format, ...torchrunLaunch(plan) };
    case 'rankmap': {
      const map = rankMap(plan, { limit: RANKMAP_TEXT_LIMIT });
      return { format, ...map, text: JSON.stringify(map, null, 2) + '\n' };
    }
  }
}
