/**
 * A standalone SVG Gantt chart of a simulated step: one row per rank, time on the x axis with
 * tick labels in milliseconds, one colour-coded <rect> per action (F, I, W, B; a legend says
 * which), the micro-batch number inside each box wide enough to hold it, idle time left white
 * inside a grey lane outline, and a title with kind, p, m, makespan and bubble fraction. The
 * chart has exactly one <rect> per action (lanes, ticks and legend swatches are <path>s), and a
 * <title> tooltip per box naming the action and its times. Pure: returns the SVG text.
 */
import { actionToString } from './action-string.js';
import type { ActionKind, PipelineSchedule, SimulationResult, TimelineEntry } from './types.js';

export interface SvgOptions {
  /** Width of the time axis in px (default 960). */
  readonly plotWidthPixels?: number;
}

const LAYOUT = { left: 72, right: 24, top: 56, rowHeight: 26, rowGap: 8, axis: 34, legend: 30 };
const FILL: Record<ActionKind, string> = { F: '#4C78A8', I: '#F58518', W: '#54A24B', B: '#B279A2' };
const LABEL: Record<ActionKind, string> = {
  F: 'F forward',
  I: 'I backward (input grad)',
  W: 'W backward (weight grad)',
  B: 'B backward (full)',
};
const CHAR_WIDTH_PIXELS = 6.5;
const MILLISECONDS_PER_SECOND = 1e3;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Trims float noise: 3 significant digits, no exponent for the ranges we draw. */
function formatNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** Tick spacing of 1, 2 or 5 × 10^n giving at most ~10 ticks over `span`. */
function niceStep(span: number): number {
  const raw = span / 8;
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 5, 10].find((f) => f * power >= raw) ?? 10;
  return multiple * power;
}

function rowTop(rank: number): number {
  return LAYOUT.top + rank * (LAYOUT.rowHeight + LAYOUT.rowGap);
}

function actionBox(entry: TimelineEntry, xOf: (seconds: number) => number): string {
  const { rank, action, startSeconds, endSeconds } = entry;
  const x = xOf(startSeconds);
  const width = Math.max(xOf(endSeconds) - x, 0.5);
  const y = rowTop(rank);
  const tip = `rank ${rank}: ${actionToString(action)} (stage ${action.stage}), ${formatNumber(startSeconds * MILLISECONDS_PER_SECOND)}–${formatNumber(endSeconds * MILLISECONDS_PER_SECOND)} ms`;
  const rect = `<rect x="${x.toFixed(2)}" y="${y}" width="${width.toFixed(2)}" height="${LAYOUT.rowHeight}" fill="${FILL[action.kind]}" stroke="#fff" stroke-width="0.5"><title>${escapeXml(tip)}</title></rect>`;
  const label =
    action.slice === undefined ? `${action.microBatch}` : `${action.microBatch}.${action.slice}`;
  if (width < label.length * CHAR_WIDTH_PIXELS + 4) return rect;
  const text = `<text x="${(x + width / 2).toFixed(2)}" y="${y + LAYOUT.rowHeight / 2 + 4}" text-anchor="middle" fill="#fff" font-size="11">${escapeXml(label)}</text>`;
  return `${rect}${text}`;
}

function lanes(numRanks: number, plotWidth: number): string[] {
  return Array.from({ length: numRanks }, (_, rank) => {
    const y = rowTop(rank);
    const lane = `<path d="M${LAYOUT.left} ${y}h${plotWidth}v${LAYOUT.rowHeight}h${-plotWidth}Z" fill="none" stroke="#bbb"/>`;
    const name = `<text x="${LAYOUT.left - 8}" y="${y + LAYOUT.rowHeight / 2 + 4}" text-anchor="end" font-size="12">rank ${rank}</text>`;
    return lane + name;
  });
}

function axis(makespanSeconds: number, axisY: number, xOf: (seconds: number) => number): string[] {
  const stepMs = niceStep(makespanSeconds * MILLISECONDS_PER_SECOND);
  const parts = [
    `<text x="${LAYOUT.left - 8}" y="${axisY + 26}" text-anchor="end" font-size="11">ms</text>`,
  ];
  for (let ms = 0; ms <= makespanSeconds * MILLISECONDS_PER_SECOND + stepMs * 1e-9; ms += stepMs) {
    const x = xOf(ms / MILLISECONDS_PER_SECOND).toFixed(2);
    parts.push(`<path d="M${x} ${axisY}v5" stroke="#333"/>`);
    parts.push(
      `<text x="${x}" y="${axisY + 18}" text-anchor="middle" font-size="11">${formatNumber(ms)}</text>`,
    );
  }
  return parts;
}

function legend(kinds: readonly ActionKind[], y: number): string[] {
  return kinds.map((kind, index) => {
    const x = LAYOUT.left + index * 190;
    const swatch = `<path d="M${x} ${y}h12v12h-12Z" fill="${FILL[kind]}"/>`;
    return `${swatch}<text x="${x + 18}" y="${y + 10}" font-size="12">${escapeXml(LABEL[kind])}</text>`;
  });
}

function title(schedule: PipelineSchedule, result: SimulationResult): string {
  const extras = [
    schedule.chunksPerRank > 1 ? `v=${schedule.chunksPerRank}` : null,
    schedule.slicesPerMicroBatch > 1 ? `k=${schedule.slicesPerMicroBatch}` : null,
  ].filter((part): part is string => part !== null);
  const sizes = [`p=${schedule.numRanks}`, `m=${schedule.numMicroBatches}`, ...extras].join(' ');
  const makespanMs = formatNumber(result.makespanSeconds * MILLISECONDS_PER_SECOND);
  const bubblePercent = (result.bubbleFraction * 100).toFixed(1);
  return `${schedule.kind} — ${sizes} — makespan ${makespanMs} ms — bubble ${bubblePercent}%`;
}

export function scheduleToSvg(
  schedule: PipelineSchedule,
  result: SimulationResult,
  options: SvgOptions = {},
): string {
  const plotWidth = options.plotWidthPixels ?? 960;
  const span = result.makespanSeconds > 0 ? result.makespanSeconds : 1;
  const xOf = (seconds: number): number => LAYOUT.left + (seconds / span) * plotWidth;
  const axisY = rowTop(schedule.numRanks) - LAYOUT.rowGap + 4;
  const legendY = axisY + LAYOUT.axis;
  const width = LAYOUT.left + plotWidth + LAYOUT.right;
  const height = legendY + LAYOUT.legend;
  const used = (['F', 'I', 'W', 'B'] as const).filter((kind) =>
    result.timeline.some((e) => e.action.kind === kind),
  );
  const body = [
    `<text x="${LAYOUT.left}" y="28" font-size="15" font-weight="bold">${escapeXml(title(schedule, result))}</text>`,
    ...lanes(schedule.numRanks, plotWidth),
    ...result.timeline.map((entry) => actionBox(entry, xOf)),
    ...axis(result.makespanSeconds, axisY, xOf),
    ...legend(used, legendY),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif">`,
    `<path d="M0 0h${width}v${height}h${-width}Z" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
