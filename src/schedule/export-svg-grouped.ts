/**
 * The Gantt chart of a schedule too big to draw action by action (a real plan: p=8, m=64, v=4 is
 * 4,096 actions, a fraction of a pixel each). Each rank's lane has two rows, forward above and
 * backward (B, or I and W) below, and shows *runs*: consecutive actions of one kind and model
 * chunk during which the rank never went idle are merged into one box, labelled with the chunk
 * and the micro-batch range (`c2 8–15`) when wide enough. Chunks are shades of their kind's
 * colour; idle time (the bubbles) is hatched red across the lane; the axis is in seconds (or ms);
 * each lane ends with the rank's idle share. Tooltips give each run's exact span.
 */
import {
  kindChunkLegend,
  usedKinds,
  svgDocument,
  chartTitle,
  chunkOfStage,
  escapeXml,
  formatTime,
  shade,
  textOn,
  timeAxis,
  timeUnit,
} from './svg-kit.js';
import type { ActionKind, PipelineSchedule, SimulationResult, TimelineEntry } from './types.js';

const DEFAULT_PLOT_WIDTH = 1800;
const LAYOUT = {
  left: 72,
  right: 96,
  top: 78,
  subRowHeight: 17,
  subRowGap: 2,
  laneGap: 12,
  axis: 36,
  legend: 26,
};
const LANE_HEIGHT = 2 * LAYOUT.subRowHeight + LAYOUT.subRowGap;
/** Mean glyph width of the 10 px labels (digits are 0.556 em in common sans-serif faces). */
const CHAR_WIDTH_PIXELS = 5.6;
const IDLE_PATTERN = 'idle-hatch';

interface Run {
  readonly kind: ActionKind;
  readonly chunk: number;
  readonly startSeconds: number;
  endSeconds: number;
  readonly firstMicroBatch: number;
  lastMicroBatch: number;
  actions: number;
}

interface Interval {
  readonly startSeconds: number;
  readonly endSeconds: number;
}

const laneTop = (rank: number): number => LAYOUT.top + rank * (LANE_HEIGHT + LAYOUT.laneGap);

/** Gaps on one rank of at least `minSeconds` (shorter ones are below a pixel). */
function idleIntervals(
  entries: readonly TimelineEntry[],
  makespanSeconds: number,
  minSeconds: number,
): Interval[] {
  const idle: Interval[] = [];
  let busyUntil = 0;
  for (const e of entries) {
    if (e.startSeconds - busyUntil >= minSeconds) {
      idle.push({ startSeconds: busyUntil, endSeconds: e.startSeconds });
    }
    busyUntil = Math.max(busyUntil, e.endSeconds);
  }
  if (makespanSeconds - busyUntil >= minSeconds) {
    idle.push({ startSeconds: busyUntil, endSeconds: makespanSeconds });
  }
  return idle;
}

/** Merges a row's actions into runs; a run never spans an idle interval of the rank. */
function runsOf(
  entries: readonly TimelineEntry[],
  chunkOf: readonly number[],
  idle: readonly Interval[],
): Run[] {
  const runs: Run[] = [];
  const idleBetween = (from: number, to: number): boolean =>
    idle.some((i) => i.startSeconds >= from - 1e-12 && i.endSeconds <= to + 1e-12);
  for (const e of entries) {
    const chunk = chunkOf[e.action.stage] ?? 0;
    const last = runs[runs.length - 1];
    if (
      last !== undefined &&
      last.kind === e.action.kind &&
      last.chunk === chunk &&
      !idleBetween(last.endSeconds, e.startSeconds)
    ) {
      last.endSeconds = e.endSeconds;
      last.lastMicroBatch = e.action.microBatch;
      last.actions += 1;
      continue;
    }
    runs.push({
      kind: e.action.kind,
      chunk,
      startSeconds: e.startSeconds,
      endSeconds: e.endSeconds,
      firstMicroBatch: e.action.microBatch,
      lastMicroBatch: e.action.microBatch,
      actions: 1,
    });
  }
  return runs;
}

interface Drawing {
  readonly xOf: (seconds: number) => number;
  readonly chunks: number;
  readonly makespanSeconds: number;
}

function runBox(rank: number, row: 0 | 1, run: Run, d: Drawing): string {
  const x = d.xOf(run.startSeconds);
  const width = Math.max(d.xOf(run.endSeconds) - x, 0.75);
  const y = laneTop(rank) + row * (LAYOUT.subRowHeight + LAYOUT.subRowGap);
  const range =
    run.firstMicroBatch === run.lastMicroBatch
      ? `${run.firstMicroBatch}`
      : `${run.firstMicroBatch}–${run.lastMicroBatch}`;
  const unit = timeUnit(d.makespanSeconds);
  const chunkText = d.chunks > 1 ? ` chunk ${run.chunk}` : '';
  const tip = `rank ${rank}: ${run.kind}${chunkText}, micro-batch ${range} (${run.actions} actions), ${formatTime(run.startSeconds, unit)}–${formatTime(run.endSeconds, unit)}`;
  const fill = shade(run.kind, run.chunk, d.chunks);
  const rect = `<rect x="${x.toFixed(2)}" y="${y}" width="${width.toFixed(2)}" height="${LAYOUT.subRowHeight}" fill="${fill}" stroke="#fff" stroke-width="0.6"><title>${escapeXml(tip)}</title></rect>`;
  // The chunk and range when they fit, else the chunk alone (shades of 5+ chunks are close).
  const fits = (text: string): boolean => width >= text.length * CHAR_WIDTH_PIXELS + 4;
  const full = d.chunks > 1 ? `c${run.chunk} ${range}` : range;
  const label = fits(full) ? full : d.chunks > 1 && fits(`c${run.chunk}`) ? `c${run.chunk}` : '';
  if (label === '') return rect;
  const text = `<text x="${(x + width / 2).toFixed(2)}" y="${y + LAYOUT.subRowHeight / 2 + 3.5}" text-anchor="middle" fill="${textOn(run.chunk, d.chunks)}" font-size="10">${escapeXml(label)}</text>`;
  return rect + text;
}

function lane(
  rank: number,
  entries: readonly TimelineEntry[],
  chunkOf: readonly number[],
  idleFraction: number,
  d: Drawing,
  plotWidth: number,
): string[] {
  const top = laneTop(rank);
  const minIdleSeconds = d.makespanSeconds / plotWidth;
  const idle = idleIntervals(entries, d.makespanSeconds, minIdleSeconds);
  const forward = entries.filter((e) => e.action.kind === 'F');
  const backward = entries.filter((e) => e.action.kind !== 'F');
  const idleBoxes = idle.map((i) => {
    const x = d.xOf(i.startSeconds);
    const width = Math.max(d.xOf(i.endSeconds) - x, 1);
    return `<rect x="${x.toFixed(2)}" y="${top}" width="${width.toFixed(2)}" height="${LANE_HEIGHT}" fill="url(#${IDLE_PATTERN})"><title>rank ${rank} idle ${escapeXml(formatTime(i.endSeconds - i.startSeconds, timeUnit(d.makespanSeconds)))}</title></rect>`;
  });
  return [
    `<path d="M${LAYOUT.left} ${top}h${plotWidth}v${LANE_HEIGHT}h${-plotWidth}Z" fill="#f7f7f7" stroke="#bbb"/>`,
    `<text x="${LAYOUT.left - 8}" y="${top + LANE_HEIGHT / 2 - 2}" text-anchor="end" font-size="12">rank ${rank}</text>`,
    `<text x="${LAYOUT.left - 8}" y="${top + LANE_HEIGHT / 2 + 11}" text-anchor="end" font-size="9" fill="#666">F / bwd</text>`,
    ...idleBoxes,
    ...runsOf(forward, chunkOf, idle).map((r) => runBox(rank, 0, r, d)),
    ...runsOf(backward, chunkOf, idle).map((r) => runBox(rank, 1, r, d)),
    `<text x="${LAYOUT.left + plotWidth + 8}" y="${top + LANE_HEIGHT / 2 + 4}" font-size="11" fill="#444">idle ${(idleFraction * 100).toFixed(1)}%</text>`,
  ];
}

const defs = (): string =>
  `<defs><pattern id="${IDLE_PATTERN}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde2e2"/><path d="M0 0V6" stroke="#d62728" stroke-width="2"/></pattern></defs>`;

export function scheduleToGroupedSvg(
  schedule: PipelineSchedule,
  result: SimulationResult,
  plotWidthPixels = DEFAULT_PLOT_WIDTH,
): string {
  const plotWidth = plotWidthPixels;
  const span = result.makespanSeconds > 0 ? result.makespanSeconds : 1;
  const d: Drawing = {
    xOf: (seconds) => LAYOUT.left + (seconds / span) * plotWidth,
    chunks: schedule.chunksPerRank,
    makespanSeconds: span,
  };
  const chunkOf = chunkOfStage(schedule);
  const byRank = Array.from({ length: schedule.numRanks }, () => [] as TimelineEntry[]);
  for (const e of result.timeline) byRank[e.rank]?.push(e);
  for (const entries of byRank) entries.sort((a, b) => a.startSeconds - b.startSeconds);
  const axisY = laneTop(schedule.numRanks) - LAYOUT.laneGap + 6;
  const legendY = axisY + LAYOUT.axis;
  const width = LAYOUT.left + plotWidth + LAYOUT.right;
  const height = legendY + LAYOUT.legend + 8;
  const note =
    'Grouped: a box is a run of consecutive micro-batches of one kind and model chunk (c0 = the rank’s first chunk), label = chunk and micro-batch range; forward on the upper row of each rank, backward on the lower.';
  const body = [
    defs(),
    `<text x="${LAYOUT.left}" y="28" font-size="16" font-weight="bold">${escapeXml(chartTitle(schedule, result.makespanSeconds, result.bubbleFraction))}</text>`,
    `<text x="${LAYOUT.left}" y="50" font-size="12" fill="#444">${escapeXml(note)}</text>`,
    ...byRank.flatMap((entries, rank) =>
      lane(rank, entries, chunkOf, result.bubbleFractionPerRank[rank] ?? 0, d, plotWidth),
    ),
    ...timeAxis({
      makespanSeconds: span,
      y: axisY,
      left: LAYOUT.left,
      xOf: d.xOf,
      gridTop: LAYOUT.top - 6,
      ticks: 16,
    }),
    ...kindChunkLegend({
      kinds: usedKinds(result),
      chunks: schedule.chunksPerRank,
      x: LAYOUT.left,
      y: legendY,
      extra: { fill: `url(#${IDLE_PATTERN})`, label: 'idle (pipeline bubble)' },
    }),
  ];
  return svgDocument(width, height, body);
}
