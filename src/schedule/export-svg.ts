/**
 * A standalone SVG Gantt chart of a simulated step. Small schedules are drawn action by action:
 * one row per rank, time on the x axis (ms, or s for steps of a second or more), one <rect> per
 * action coloured by kind (F, I, W, B) and shaded by model chunk (v > 1), the micro-batch number
 * inside each box wide enough to hold it, idle time left white inside a grey lane outline, a
 * legend, and a title with kind, p, m, makespan and bubble fraction. Such a chart has exactly one
 * <rect> per action (lanes, ticks and swatches are <path>s) and a <title> tooltip per box.
 *
 * When boxes would be narrower than MIN_ACTION_PIXELS (a real plan: 8 ranks × 64 micro-batches
 * × 4 chunks is 4,096 actions) the grouped chart of export-svg-grouped.ts is drawn instead.
 * Pure: returns the SVG text.
 */
import { actionToString } from './action-string.js';
import { scheduleToGroupedSvg } from './export-svg-grouped.js';
import {
  chartTitle,
  chunkOfStage,
  escapeXml,
  formatTime,
  kindChunkLegend,
  usedKinds,
  shade,
  svgDocument,
  textOn,
  timeAxis,
  timeUnit,
} from './svg-kit.js';
import type { PipelineSchedule, SimulationResult, TimelineEntry } from './types.js';

export { escapeXml } from './svg-kit.js';

export interface SvgOptions {
  /** Width of the time axis in px (default 960 action by action, 1600 grouped). */
  readonly plotWidthPixels?: number;
  /** 'auto' (default): grouped when the mean action would be narrower than MIN_ACTION_PIXELS. */
  readonly mode?: 'auto' | 'actions' | 'grouped';
}

/** Below this mean box width (px) single actions stop being readable: draw runs instead. */
export const MIN_ACTION_PIXELS = 6;
const DEFAULT_PLOT_WIDTH = 960;

const LAYOUT = { left: 72, right: 24, top: 56, rowHeight: 26, rowGap: 8, axis: 34, legend: 30 };
const CHAR_WIDTH_PIXELS = 6.5;

function rowTop(rank: number): number {
  return LAYOUT.top + rank * (LAYOUT.rowHeight + LAYOUT.rowGap);
}

interface Drawing {
  readonly xOf: (seconds: number) => number;
  readonly chunkOf: readonly number[];
  readonly chunks: number;
  readonly makespanSeconds: number;
}

function actionBox(entry: TimelineEntry, d: Drawing): string {
  const { rank, action, startSeconds, endSeconds } = entry;
  const x = d.xOf(startSeconds);
  const width = Math.max(d.xOf(endSeconds) - x, 0.5);
  const y = rowTop(rank);
  const chunk = d.chunkOf[action.stage] ?? 0;
  const unit = timeUnit(d.makespanSeconds);
  const chunkText = d.chunks > 1 ? `, chunk ${chunk}` : '';
  const tip = `rank ${rank}: ${actionToString(action)} (stage ${action.stage}${chunkText}), ${formatTime(startSeconds, unit)}–${formatTime(endSeconds, unit)}`;
  const fill = shade(action.kind, chunk, d.chunks);
  const rect = `<rect x="${x.toFixed(2)}" y="${y}" width="${width.toFixed(2)}" height="${LAYOUT.rowHeight}" fill="${fill}" stroke="#fff" stroke-width="0.5"><title>${escapeXml(tip)}</title></rect>`;
  const label =
    action.slice === undefined ? `${action.microBatch}` : `${action.microBatch}.${action.slice}`;
  if (width < label.length * CHAR_WIDTH_PIXELS + 4) return rect;
  const colour = textOn(chunk, d.chunks);
  const text = `<text x="${(x + width / 2).toFixed(2)}" y="${y + LAYOUT.rowHeight / 2 + 4}" text-anchor="middle" fill="${colour}" font-size="11">${escapeXml(label)}</text>`;
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

function actionsSvg(
  schedule: PipelineSchedule,
  result: SimulationResult,
  plotWidth: number,
): string {
  const span = result.makespanSeconds > 0 ? result.makespanSeconds : 1;
  const d: Drawing = {
    xOf: (seconds) => LAYOUT.left + (seconds / span) * plotWidth,
    chunkOf: chunkOfStage(schedule),
    chunks: schedule.chunksPerRank,
    makespanSeconds: result.makespanSeconds,
  };
  const axisY = rowTop(schedule.numRanks) - LAYOUT.rowGap + 4;
  const legendY = axisY + LAYOUT.axis;
  const kinds = usedKinds(result);
  // With several chunks each kind takes a row of its own: the name and one swatch per chunk.
  const legendRows = schedule.chunksPerRank > 1 ? kinds.length : 1;
  const width = LAYOUT.left + plotWidth + LAYOUT.right;
  const height = legendY + LAYOUT.legend * legendRows;
  const body = [
    `<text x="${LAYOUT.left}" y="28" font-size="15" font-weight="bold">${escapeXml(chartTitle(schedule, result.makespanSeconds, result.bubbleFraction))}</text>`,
    ...lanes(schedule.numRanks, plotWidth),
    ...result.timeline.map((entry) => actionBox(entry, d)),
    ...timeAxis({
      makespanSeconds: result.makespanSeconds,
      y: axisY,
      left: LAYOUT.left,
      xOf: d.xOf,
    }),
    ...(legendRows === 1
      ? kindChunkLegend({ kinds, chunks: 1, x: LAYOUT.left, y: legendY })
      : kinds.flatMap((kind, row) =>
          kindChunkLegend({
            kinds: [kind],
            chunks: schedule.chunksPerRank,
            x: LAYOUT.left,
            y: legendY + row * LAYOUT.legend,
          }),
        )),
  ];
  return svgDocument(width, height, body);
}

/** Mean drawn width of one action at `plotWidth`, in px. */
function meanActionPixels(result: SimulationResult, plotWidth: number, numRanks: number): number {
  const perRank = result.timeline.length / Math.max(1, numRanks);
  return perRank === 0 ? Infinity : plotWidth / perRank;
}

export function scheduleToSvg(
  schedule: PipelineSchedule,
  result: SimulationResult,
  options: SvgOptions = {},
): string {
  const mode = options.mode ?? 'auto';
  const actionsWidth = options.plotWidthPixels ?? DEFAULT_PLOT_WIDTH;
  const grouped =
    mode === 'grouped' ||
    (mode === 'auto' &&
      meanActionPixels(result, actionsWidth, schedule.numRanks) < MIN_ACTION_PIXELS);
  return grouped
    ? scheduleToGroupedSvg(schedule, result, options.plotWidthPixels)
    : actionsSvg(schedule, result, actionsWidth);
}
