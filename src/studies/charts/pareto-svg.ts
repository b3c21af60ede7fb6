/**
 * Time-to-train vs cost scatter: every costed scenario as a point coloured by accelerator, each
 * model's Pareto frontier as a connected line with larger markers (labelled with the model when
 * the study has several: frontiers are never drawn across models), tooltips via <title>.
 */
import type { FrontierPoint } from '../analysis.js';
import { costedPoints, paretoFrontier } from '../analysis.js';
import type { ScenarioResult } from '../result.js';
import { axes, colourOf, escapeXml, formatNumber, legend, makeScale, svgDocument } from './axes.js';

const WIDTH = 900;
const HEIGHT = 600;
const BOX = { left: 100, top: 50, width: 570, height: 460 };

const tooltip = (p: FrontierPoint, onFrontier: boolean): string =>
  `${p.label}\n${p.timeToTrainDays.toFixed(2)} days, $${formatNumber(p.costUsd)}${onFrontier ? '\n(Pareto-optimal)' : ''}`;

export function paretoSvg(
  results: readonly ScenarioResult[],
  title = 'Time to train vs cost',
): string {
  const points = costedPoints(results);
  if (points.length === 0) {
    return svgDocument(
      WIDTH,
      HEIGHT,
      title,
      `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">No feasible scenario with a price to plot.</text>`,
    );
  }
  const frontier = paretoFrontier(results);
  const onFrontier = new Set(frontier.map((p) => p.index));
  const accelerators = [...new Set(points.map((p) => p.acceleratorId))].sort();
  const colour = (id: string): string => colourOf(accelerators.indexOf(id));
  const x = makeScale(
    points.map((p) => p.timeToTrainDays),
    BOX.left,
    BOX.left + BOX.width,
  );
  const y = makeScale(
    points.map((p) => p.costUsd),
    BOX.top + BOX.height,
    BOX.top,
  );
  const models = [...new Set(frontier.map((p) => p.model))];
  const lines = models.map((model) => {
    const own = frontier.filter((p) => p.model === model);
    const xy = own.map(
      (p) => `${x.toPixel(p.timeToTrainDays).toFixed(1)},${y.toPixel(p.costUsd).toFixed(1)}`,
    );
    const first = own[0];
    const name =
      models.length < 2 || first === undefined
        ? ''
        : `<text x="${(x.toPixel(first.timeToTrainDays) + 10).toFixed(1)}" y="${(y.toPixel(first.costUsd) - 10).toFixed(1)}" font-size="12" font-weight="bold">${escapeXml(model)}</text>`;
    return `<polyline points="${xy.join(' ')}" fill="none" stroke="#000" stroke-width="1.5" stroke-dasharray="6 3"/>${name}`;
  });
  const dots = points
    .filter((p) => !onFrontier.has(p.index))
    .map(
      (p) =>
        `<circle cx="${x.toPixel(p.timeToTrainDays).toFixed(1)}" cy="${y.toPixel(p.costUsd).toFixed(1)}" r="4" fill="${colour(p.acceleratorId)}" fill-opacity="0.45"><title>${escapeXml(tooltip(p, false))}</title></circle>`,
    );
  const stars = frontier.map(
    (p) =>
      `<circle cx="${x.toPixel(p.timeToTrainDays).toFixed(1)}" cy="${y.toPixel(p.costUsd).toFixed(1)}" r="7" fill="${colour(p.acceleratorId)}" stroke="#000" stroke-width="1.5"><title>${escapeXml(tooltip(p, true))}</title></circle>`,
  );
  const legendX = BOX.left + BOX.width + 25;
  const body = [
    axes(
      BOX,
      x,
      y,
      `Time to train (days${x.log ? ', log scale' : ''})`,
      `Cost (USD${y.log ? ', log scale' : ''})`,
      (v) => `$${formatNumber(v)}`,
    ),
    ...lines,
    ...dots,
    ...stars,
    `<text x="${legendX}" y="${BOX.top + 6}" font-weight="bold">Accelerator</text>`,
    legend(
      accelerators.map((a) => ({ name: a, colour: colour(a) })),
      legendX,
      BOX.top + 28,
    ),
    `<text x="${legendX}" y="${BOX.top + 48 + accelerators.length * 22}" font-weight="bold">Marks</text>`,
    `<circle cx="${legendX + 11}" cy="${BOX.top + 70 + accelerators.length * 22}" r="7" fill="#bbb" stroke="#000" stroke-width="1.5"/><text x="${legendX + 30}" y="${BOX.top + 70 + accelerators.length * 22}" dominant-baseline="middle">Pareto frontier${models.length > 1 ? ' (per model)' : ''}</text>`,
    `<circle cx="${legendX + 11}" cy="${BOX.top + 92 + accelerators.length * 22}" r="4" fill="#bbb"/><text x="${legendX + 30}" y="${BOX.top + 92 + accelerators.length * 22}" dominant-baseline="middle">other scenario</text>`,
    `<text x="${legendX}" y="${BOX.top + 124 + accelerators.length * 22}" fill="#555">${points.length} costed scenarios,</text>`,
    `<text x="${legendX}" y="${BOX.top + 140 + accelerators.length * 22}" fill="#555">${frontier.length} on the frontier</text>`,
  ].join('\n');
  return svgDocument(WIDTH, HEIGHT, title, body);
}
