/**
 * Result rows → CSV (RFC 4180 quoting), base units with the unit in each column name: the
 * scenario, the best plan's whole strategy (degrees, micro-batching, sequence parallelism, ZeRO
 * stage, recompute, schedule — 'none' without pipelining), its memory per GPU against capacity,
 * the time, cost and energy to train, and whether the search was truncated (with its gap). Text cells that a spreadsheet would read as a formula
 * (starting with = + - @ tab or CR) get a leading `'` and quotes, as OWASP's "CSV Injection" page
 * advises; numbers are written as numbers.
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 */
import type { ScenarioResult } from './result.js';

const COLUMNS = [
  'index',
  'label',
  'model',
  'cluster',
  'accelerator',
  'nodes',
  'gpus',
  'globalBatchSize',
  'sequenceLength',
  'dataParallel',
  'tensorParallel',
  'pipelineParallel',
  'virtualStages',
  'microBatchSize',
  'numMicroBatches',
  'sequenceParallel',
  'zeroStage',
  'recompute',
  'recomputeLayers',
  'schedule',
  'peakMemoryBytesPerGpu',
  'memoryCapacityBytesPerGpu',
  'stepTimeSeconds',
  'tokensPerSecond',
  'mfu',
  'hfu',
  'timeToTrainDays',
  'gpuHours',
  'priceUsdPerGpuHour',
  'costUsd',
  'energyKwh',
  'meetsDeadline',
  'violations',
  'searchTruncated',
  'searchGapFraction',
  'errorReason',
  'errorMessage',
] as const;

/** First characters that make Excel, LibreOffice or Sheets evaluate a cell (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const formula = FORMULA_START.test(value);
  const text = formula ? `'${value}` : value;
  return formula || /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function row(r: ScenarioResult): (string | number | boolean | null | undefined)[] {
  const p = r.plan;
  const s = r.scenario;
  return [
    s.index,
    s.label,
    s.model,
    s.cluster,
    p?.acceleratorId ?? s.acceleratorId,
    s.nodes,
    p?.worldSize ?? s.gpus,
    s.globalBatchSize,
    s.sequenceLength,
    p?.strategy.dp,
    p?.strategy.tp,
    p?.strategy.pp,
    p?.strategy.virtualStages,
    p?.strategy.microBatchSize,
    p?.strategy.numMicroBatches,
    p?.strategy.sequenceParallel,
    p?.strategy.zeroStage,
    p?.strategy.recompute,
    p?.strategy.recomputeLayers,
    p === null ? undefined : p.strategy.pp > 1 ? p.strategy.schedule : 'none',
    p?.estimate.peakMemoryBytesPerGpu,
    p?.estimate.memoryCapacityBytesPerGpu,
    p?.estimate.stepTimeSeconds,
    p?.estimate.tokensPerSecond,
    p?.estimate.mfu,
    p?.estimate.hfu,
    r.timeToTrainDays,
    r.gpuHours,
    r.priceUsdPerGpuHour,
    r.costUsd,
    r.energyKwh,
    r.meetsDeadline,
    r.violations.join(' '),
    r.search?.truncated,
    r.search?.gapFraction,
    r.error?.reason,
    r.error?.message,
  ];
}

export function resultsToCsv(results: readonly ScenarioResult[]): string {
  return (
    [COLUMNS.join(','), ...results.map((r) => row(r).map(cell).join(','))].join('\r\n') + '\r\n'
  );
}
