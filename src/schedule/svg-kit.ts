/**
 * Shared parts of the schedule Gantt charts (export-svg.ts, export-svg-grouped.ts): XML escaping,
 * number and time-axis formatting, and the colours — one hue per action kind, one shade per model
 * chunk, so that interleaved chunks (v > 1) and the two halves of a V-shape are told apart.
 */
import type { ActionKind, PipelineSchedule, SimulationResult } from './types.js';

export const FILL: Readonly<Record<ActionKind, string>> = {
  F: '#4C78A8',
  I: '#F58518',
  W: '#54A24B',
  B: '#B279A2',
};
export const KIND_LABEL: Readonly<Record<ActionKind, string>> = {
  F: 'F forward',
  I: 'I backward (input grad)',
  W: 'W backward (weight grad)',
  B: 'B backward (full)',
};
export const KINDS: readonly ActionKind[] = ['F', 'I', 'W', 'B'];

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Trims float noise: 3 significant digits, no exponent for the ranges we draw. */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** Tick spacing of 1, 2 or 5 × 10^n giving at most about `ticks` ticks over `span`. */
export function niceStep(span: number, ticks = 8): number {
  const raw = span / ticks;
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 5, 10].find((f) => f * power >= raw) ?? 10;
  return multiple * power;
}

export interface TimeUnit {
  readonly name: 's' | 'ms';
  /** Units per second. */
  readonly perSecond: number;
}

/** Seconds for steps of a second or more (a real plan's step), else milliseconds. */
export function timeUnit(makespanSeconds: number): TimeUnit {
  return makespanSeconds >= 1 ? { name: 's', perSecond: 1 } : { name: 'ms', perSecond: 1e3 };
}

/** `1.23 s` / `456 ms`. */
export function formatTime(seconds: number, unit: TimeUnit): string {
  return `${formatNumber(seconds * unit.perSecond)} ${unit.name}`;
}

export interface AxisOptions {
  readonly makespanSeconds: number;
  readonly y: number;
  readonly left: number;
  readonly xOf: (seconds: number) => number;
  /** Vertical grid lines from this y down to the axis (none when absent). */
  readonly gridTop?: number;
  /** About how many ticks (default 8). */
  readonly ticks?: number;
}

/** Tick marks and labels in the unit timeUnit picks; the unit name left of the first tick. */
export function timeAxis(o: AxisOptions): string[] {
  const unit = timeUnit(o.makespanSeconds);
  const span = o.makespanSeconds * unit.perSecond;
  const step = niceStep(span, o.ticks);
  const parts = [
    `<text x="${o.left - 8}" y="${o.y + 26}" text-anchor="end" font-size="11">${unit.name}</text>`,
  ];
  for (let t = 0; t <= span + step * 1e-9; t += step) {
    const x = o.xOf(t / unit.perSecond).toFixed(2);
    if (o.gridTop !== undefined) {
      parts.push(
        `<path d="M${x} ${o.gridTop}V${o.y}" stroke="#555" stroke-opacity="0.3" stroke-width="0.75"/>`,
      );
    }
    parts.push(`<path d="M${x} ${o.y}v5" stroke="#333"/>`);
    parts.push(
      `<text x="${x}" y="${o.y + 18}" text-anchor="middle" font-size="11">${formatNumber(t)}</text>`,
    );
  }
  return parts;
}

/**
 * chunkOfStage[s]: which of its rank's model chunks stage s is, in pipeline order (0 = the
 * rank's first chunk). Interleaved 1F1B: s div p; V-shape: 0 on the way down, 1 on the way up.
 */
export function chunkOfStage(schedule: PipelineSchedule): number[] {
  const seen = new Map<number, number>();
  return schedule.stageToRank.map((rank) => {
    const chunk = seen.get(rank) ?? 0;
    seen.set(rank, chunk + 1);
    return chunk;
  });
}

/** The kind's colour lightened toward white for later chunks (chunk 0 is the full colour). */
export function shade(kind: ActionKind, chunk: number, chunks: number): string {
  const base = FILL[kind];
  if (chunks <= 1 || chunk === 0) return base;
  // Up to 60% white for the last chunk: still distinct from the background and the next hue.
  const t = (0.6 * chunk) / (chunks - 1);
  const mix = (i: number): string => {
    const c = parseInt(base.slice(i, i + 2), 16);
    return Math.round(c + (255 - c) * t)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${mix(1)}${mix(3)}${mix(5)}`;
}

/** Text is dark on light shades, white on dark ones. */
export function textOn(chunk: number, chunks: number): string {
  return chunks > 1 && chunk / (chunks - 1) > 0.5 ? '#222' : '#fff';
}

export interface LegendItem {
  readonly fill: string;
  readonly label: string;
}

/** The kinds a simulation used, in legend order. */
export function usedKinds(result: SimulationResult): ActionKind[] {
  return (['F', 'B', 'I', 'W'] as const).filter((k) =>
    result.timeline.some((e) => e.action.kind === k),
  );
}

export interface KindLegendOptions {
  readonly kinds: readonly ActionKind[];
  readonly chunks: number;
  readonly x: number;
  readonly y: number;
  /** A last swatch (the grouped chart's idle hatch). */
  readonly extra?: LegendItem;
}

/** Approximate width of 12 px text, for laying the legend out in one row. */
const LEGEND_CHAR_PIXELS = 7;

/**
 * One row: per kind its name, then (with several chunks) one swatch per chunk shade
 * (`F forward ■ chunk 0 ■ chunk 1 …`); then the extra swatch.
 */
export function kindChunkLegend(o: KindLegendOptions): string[] {
  const parts: string[] = [];
  let x = o.x;
  const text = (label: string, bold = false): void => {
    parts.push(
      `<text x="${x}" y="${o.y + 11}" font-size="12"${bold ? ' font-weight="bold"' : ''}>${escapeXml(label)}</text>`,
    );
    x += label.length * LEGEND_CHAR_PIXELS + 10;
  };
  const swatch = (fill: string, label: string): void => {
    parts.push(
      `<path d="M${x} ${o.y}h14v14h-14Z" fill="${fill}" stroke="#999" stroke-width="0.5"/>`,
    );
    x += 19;
    if (label !== '') text(label);
    else x += 8;
  };
  for (const kind of o.kinds) {
    if (o.chunks <= 1) {
      swatch(shade(kind, 0, 1), KIND_LABEL[kind]);
    } else {
      text(KIND_LABEL[kind], true);
      for (let c = 0; c < o.chunks; c++) swatch(shade(kind, c, o.chunks), `chunk ${c}`);
    }
    x += 12;
  }
  if (o.extra !== undefined) swatch(o.extra.fill, o.extra.label);
  return parts;
}

/** The chart's title line: kind, p, m, v / k, makespan and bubble fraction. */
export function chartTitle(
  schedule: PipelineSchedule,
  makespanSeconds: number,
  bubbleFraction: number,
): string {
  const extras = [
    schedule.chunksPerRank > 1 ? `v=${schedule.chunksPerRank}` : null,
    schedule.slicesPerMicroBatch > 1 ? `k=${schedule.slicesPerMicroBatch}` : null,
  ].filter((part): part is string => part !== null);
  const sizes = [`p=${schedule.numRanks}`, `m=${schedule.numMicroBatches}`, ...extras].join(' ');
  const makespan = formatTime(makespanSeconds, timeUnit(makespanSeconds));
  return `${schedule.kind} — ${sizes} — makespan ${makespan} — bubble ${(bubbleFraction * 100).toFixed(1)}%`;
}

/** A standalone SVG document of `width` × `height` on a white background, ending in a newline. */
export function svgDocument(width: number, height: number, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif">`,
    `<path d="M0 0h${width}v${height}h${-width}Z" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
