/**
 * Domain exports (src/export) → API export bodies: exportPlan's readonly results copied into the
 * shapes openapi.yaml declares (MegatronExport, DeepSpeedExport, ...).
 */
import type { PlanExport } from '../export/index.js';
import { exportPlan } from '../export/index.js';
import type { TransformerSpec } from '../model-spec/index.js';
import type { Plan } from '../plan/index.js';
import type { ApiPlanExport, ApiPlanExports, ExportFormat } from '../contract/index.js';

const groups = (g: readonly (readonly number[])[]): number[][] => g.map((x) => [...x]);

export function exportToApi(e: PlanExport): ApiPlanExport {
  switch (e.format) {
    case 'megatron':
      return {
        format: e.format,
        argv: [...e.argv],
        env: { ...e.env },
        text: e.text,
        notes: [...e.notes],
      };
    case 'deepspeed':
      return {
        format: e.format,
        config: { ...e.config },
        pipelineStages: e.pipelineStages,
        pipeline: { ...e.pipeline, layersPerStage: [...e.pipeline.layersPerStage] },
        launch: {
          ...e.launch,
          topology: e.launch.topology === null ? null : { ...e.launch.topology },
        },
        env: { ...e.env },
        script: e.script,
        command: e.command,
        text: e.text,
        notes: [...e.notes],
      };
    case 'torchtitan':
      return {
        format: e.format,
        settings: e.settings.map((s) => ({
          option: s.option,
          value: typeof s.value === 'object' ? s.value.map((row) => [...row]) : s.value,
          cli: s.cli,
        })),
        switches: e.switches.map((w) => ({ ...w })),
        overrides: [...e.overrides],
        env: { ...e.env },
        activationCheckpoint: e.activationCheckpoint,
        python: e.python,
        text: e.text,
        scheduleCsv: e.scheduleCsv,
        notes: [...e.notes],
      };
    case 'torchrun':
      return {
        format: e.format,
        commands: [...e.commands],
        env: { ...e.env },
        hostfile: e.hostfile,
        text: e.text,
      };
    case 'rankmap':
      return {
        format: e.format,
        summary: { ...e.summary },
        offset: e.offset,
        ranks: e.ranks.map((r) => ({ ...r })),
        tensorParallelGroups: groups(e.tensorParallelGroups),
        contextParallelGroups: groups(e.contextParallelGroups),
        dataParallelGroups: groups(e.dataParallelGroups),
        pipelineParallelGroups: groups(e.pipelineParallelGroups),
        expertTensorParallelGroups: groups(e.expertTensorParallelGroups),
        expertParallelGroups: groups(e.expertParallelGroups),
        expertDataParallelGroups: groups(e.expertDataParallelGroups),
        dataParallelShardGroups: groups(e.dataParallelShardGroups),
        dataParallelReplicateGroups: groups(e.dataParallelReplicateGroups),
        text: e.text,
      };
  }
}

/** One plan exported in one format (ExportError → 422 through the normaliser). */
export function planExport(plan: Plan, spec: TransformerSpec, format: ExportFormat): ApiPlanExport {
  return exportToApi(exportPlan(plan, spec, format));
}

/** The inline `exports` object of a plan (search.exports / ?exports=). */
export function planExports(
  plan: Plan,
  spec: TransformerSpec,
  formats: readonly ExportFormat[],
): ApiPlanExports {
  const exports: ApiPlanExports = {};
  for (const format of new Set(formats)) {
    const e = exportToApi(exportPlan(plan, spec, format));
    switch (e.format) {
      case 'megatron':
        exports.megatron = e;
        break;
      case 'deepspeed':
        exports.deepspeed = e;
        break;
      case 'torchtitan':
        exports.torchtitan = e;
        break;
      case 'torchrun':
        exports.torchrun = e;
        break;
      case 'rankmap':
        exports.rankmap = e;
        break;
    }
  }
  return exports;
}
