/**
 * Scaling curves: throughput (tokens/s) and MFU (%) against GPU count (log2 axis), one line per
 * accelerator (and model, when several), stacked in two panels sharing the x axis.
 */
import type { ScalingSeries } from '../analysis.js';
import { scalingCurves } from '../analysis.js';
import type { ScenarioResult } from '../result.js';
import { axes, colourOf, escapeXml, formatNumber, legend, makeScale, svgDocument } from './axes.js';

const WIDTH = 900;
const HEIGHT = 640;
const TOP = { left: 100, top: 50, width: 560, height: 220 };
const BOTTOM = { left: 100, top: 350, width: 560, height: 220 };

function lines(
  series: readonly ScalingSeries[],
  x: (v: number) => number,
  y: (v: number) => number,
  value: (p: ScalingSeries['points'][number]) => number,
  unit: (v: number) => string,
): string {
  return series
    .map((s, i) => {
      const points = s.points
        .map((p) => `${x(p.gpus).toFixed(1)},${y(value(p)).toFixed(1)}`)
        .join(' ');
      const marks = s.points.map(
        (p) =>
          `<circle cx="${x(p.gpus).toFixed(1)}" cy="${y(value(p)).toFixed(1)}" r="4.5" fill="${colourOf(i)}"><title>${escapeXml(`${s.name}: ${p.gpus} GPUs → ${unit(value(p))}\n${p.label}`)}</title></circle>`,
      );
      return [
        `<polyline points="${points}" fill="none" stroke="${colourOf(i)}" stroke-width="2.5"/>`,
        ...marks,
      ].join('\n');
    })
    .join('\n');
}

export function scalingSvg(
  results: readonly ScenarioResult[],
  title = 'Scaling: throughput and MFU vs GPU count',
): string {
  const series = scalingCurves(results);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    return svgDocument(
      WIDTH,
      HEIGHT,
      title,
      `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">No feasible scenario to plot.</text>`,
    );
  }
  const gpus = all.map((p) => p.gpus);
  const xTop = makeScale(gpus, TOP.left, TOP.left + TOP.width, 2);
  const xBottom = makeScale(gpus, BOTTOM.left, BOTTOM.left + BOTTOM.width, 2);
  const yTput = makeScale(
    all.map((p) => p.tokensPerSecond),
    TOP.top + TOP.height,
    TOP.top,
  );
  const yMfu = makeScale(
    [0, ...all.map((p) => p.mfu * 100), 60],
    BOTTOM.top + BOTTOM.height,
    BOTTOM.top,
  );
  const legendX = TOP.left + TOP.width + 25;
  const body = [
    axes(TOP, xTop, yTput, 'GPUs (log2 scale)', `Throughput (tokens/s${yTput.log ? ', log' : ''})`),
    lines(
      series,
      xTop.toPixel,
      yTput.toPixel,
      (p) => p.tokensPerSecond,
      (v) => `${formatNumber(v)} tokens/s`,
    ),
    axes(BOTTOM, xBottom, yMfu, 'GPUs (log2 scale)', 'MFU (%)', (v) => `${formatNumber(v)}%`),
    lines(
      series,
      xBottom.toPixel,
      yMfu.toPixel,
      (p) => p.mfu * 100,
      (v) => `${v.toFixed(1)}% MFU`,
    ),
    `<text x="${legendX}" y="${TOP.top + 6}" font-weight="bold">Series</text>`,
    legend(
      series.map((s, i) => ({ name: s.name, colour: colourOf(i) })),
      legendX,
      TOP.top + 28,
    ),
    `<text x="${legendX}" y="${TOP.top + 44 + series.length * 22}" fill="#555">best plan per GPU count</text>`,
  ].join('\n');
  return svgDocument(WIDTH, HEIGHT, title, body);
}
