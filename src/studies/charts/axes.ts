/** SVG chart building blocks: scales, "nice" ticks, axes with labels, legend, escaping. */

export interface Scale {
  readonly toPixel: (value: number) => number;
  readonly ticks: readonly number[];
  readonly log: boolean;
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Colour-blind-safe palette (Okabe & Ito 2008), one colour per series. */
export const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#F0E442',
  '#000000',
];
export const colourOf = (i: number): string => PALETTE[i % PALETTE.length] ?? '#000000';

export const escapeXml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

/** 1, 2, 5 × 10^k steps giving about `count` ticks over [min, max]. */
function linearTicks(min: number, max: number, count: number): number[] {
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Powers of `base` inside [min, max] (with 2× and 5× for base 10 when few decades). */
function logTicks(min: number, max: number, base: number): number[] {
  const ticks: number[] = [];
  const multipliers = base === 10 && max / min <= 1e3 ? [1, 2, 5] : [1];
  for (let p = Math.floor(Math.log(min) / Math.log(base)); base ** p <= max * 1.0001; p++) {
    for (const m of multipliers) {
      const t = m * base ** p;
      if (t >= min * 0.9999 && t <= max * 1.0001) ticks.push(t);
    }
  }
  return ticks;
}

/**
 * A scale for values in [min, max] onto [from, to] pixels: linear with nice padded bounds, or
 * logarithmic (`logBase`) when the values span more than 20× (then small values stay readable).
 */
export function makeScale(
  values: readonly number[],
  from: number,
  to: number,
  logBase: number | null = null,
): Scale {
  const finite = values.filter((v) => Number.isFinite(v));
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (finite.length === 0) [min, max] = [0, 1];
  const useLog = logBase !== null || (min > 0 && max / min > 20);
  if (useLog) {
    const base = logBase ?? 10;
    const lo = base ** Math.floor(Math.log(min) / Math.log(base));
    const hi = base ** Math.ceil(Math.log(max) / Math.log(base));
    const [a, b] = lo === hi ? [lo / base, hi * base] : [lo, hi];
    const span = Math.log(b) - Math.log(a);
    return {
      log: true,
      ticks: logTicks(a, b, base),
      toPixel: (v) => from + ((Math.log(v) - Math.log(a)) / span) * (to - from),
    };
  }
  if (min === max)
    [min, max] = [min - (Math.abs(min) || 1) * 0.5, max + (Math.abs(max) || 1) * 0.5];
  const pad = (max - min) * 0.08;
  const lo = min >= 0 && min - pad < 0 ? 0 : min - pad;
  const ticks = linearTicks(lo, max + pad, 6);
  const a = Math.min(lo, ticks[0] ?? lo);
  const b = Math.max(max + pad, ticks[ticks.length - 1] ?? max);
  return { log: false, ticks, toPixel: (v) => from + ((v - a) / (b - a)) * (to - from) };
}

/** 1234567 → "1.23M", 0.5 → "0.5". */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units)
    if (abs >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  return String(Number(value.toPrecision(3)));
}

export function axes(
  box: Box,
  x: Scale,
  y: Scale,
  xLabel: string,
  yLabel: string,
  format: (v: number) => string = formatNumber,
): string {
  const bottom = box.top + box.height;
  const right = box.left + box.width;
  const parts: string[] = [
    `<rect x="${box.left}" y="${box.top}" width="${box.width}" height="${box.height}" fill="#fff" stroke="#888"/>`,
  ];
  for (const t of x.ticks) {
    const px = x.toPixel(t).toFixed(1);
    parts.push(`<line x1="${px}" y1="${box.top}" x2="${px}" y2="${bottom}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${px}" y="${bottom + 18}" text-anchor="middle">${escapeXml(formatNumber(t))}</text>`,
    );
  }
  for (const t of y.ticks) {
    const py = y.toPixel(t).toFixed(1);
    parts.push(`<line x1="${box.left}" y1="${py}" x2="${right}" y2="${py}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${box.left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeXml(format(t))}</text>`,
    );
  }
  const midY = box.top + box.height / 2;
  parts.push(
    `<text x="${box.left + box.width / 2}" y="${bottom + 42}" text-anchor="middle" font-weight="bold">${escapeXml(xLabel)}</text>`,
  );
  parts.push(
    `<text x="${box.left - 62}" y="${midY}" text-anchor="middle" font-weight="bold" transform="rotate(-90 ${box.left - 62} ${midY})">${escapeXml(yLabel)}</text>`,
  );
  return parts.join('\n');
}

export function legend(
  entries: readonly { name: string; colour: string; dashed?: boolean }[],
  left: number,
  top: number,
): string {
  return entries
    .map((e, i) => {
      const y = top + i * 22;
      const dash = e.dashed === true ? ' stroke-dasharray="6 3"' : '';
      return `<line x1="${left}" y1="${y}" x2="${left + 22}" y2="${y}" stroke="${e.colour}" stroke-width="3"${dash}/><circle cx="${left + 11}" cy="${y}" r="4" fill="${e.colour}"/><text x="${left + 30}" y="${y}" dominant-baseline="middle">${escapeXml(e.name)}</text>`;
    })
    .join('\n');
}

export function svgDocument(width: number, height: number, title: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">
<title>${escapeXml(title)}</title>
<rect width="100%" height="100%" fill="#fafafa"/>
<text x="${width / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>
${body}
</svg>
`;
}
