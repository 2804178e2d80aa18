/**
 * A small SVG renderer for the two charts the benchmarks draw: lines (a figure over a parameter, one line per
 * system) and grouped bars (a figure per case, one bar per system). No dependency; the output is a standalone SVG.
 */
const WIDTH = 720;
const HEIGHT = 400;
const MARGIN = { top: 40, right: 160, bottom: 50, left: 70 };
const COLORS = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2"];

export interface Series {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface ChartText {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Round tick values covering 0..max. */
const ticks = (max: number, count = 5): number[] => {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6);
};

const label = (value: number) => (Math.abs(value) >= 1000 ? `${Math.round(value / 100) / 10}k` : String(value));

/** Frame, title, axis labels, horizontal grid with its labels, and the legend. */
const frame = (text: ChartText, yTicks: number[], y: (v: number) => number, names: readonly string[]) => {
  const plotRight = WIDTH - MARGIN.right;
  const parts = [
    `<text x="${WIDTH / 2 - MARGIN.right / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${escape(text.title)}</text>`,
    `<text x="${(MARGIN.left + plotRight) / 2}" y="${HEIGHT - 10}" text-anchor="middle" font-size="12">${escape(text.xLabel)}</text>`,
    `<text transform="translate(16 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escape(text.yLabel)}</text>`,
  ];
  for (const tick of yTicks) {
    parts.push(`<line x1="${MARGIN.left}" x2="${plotRight}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="11">${label(tick)}</text>`);
  }
  names.forEach((name, i) => {
    const top = MARGIN.top + i * 20;
    parts.push(`<rect x="${plotRight + 16}" y="${top}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(`<text x="${plotRight + 34}" y="${top + 10}" font-size="12">${escape(name)}</text>`);
  });
  return parts;
};

const svg = (parts: string[]) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">` +
  `<rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>\n`;

/** Lines over a numeric x axis (both axes from 0). */
export const lineChart = (text: ChartText, series: readonly Series[]): string => {
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y)).filter(Number.isFinite);
  const xTicks = ticks(Math.max(1, ...xs));
  const yTicks = ticks(Math.max(1, ...ys));
  const x = (v: number) => MARGIN.left + (v / xTicks.at(-1)!) * (WIDTH - MARGIN.left - MARGIN.right);
  const y = (v: number) => HEIGHT - MARGIN.bottom - (v / yTicks.at(-1)!) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const parts = frame(text, yTicks, y, series.map((s) => s.name));
  for (const tick of xTicks) parts.push(`<text x="${x(tick)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" font-size="11">${label(tick)}</text>`);
  series.forEach((s, i) => {
    const points = s.points.filter(([, v]) => Number.isFinite(v));
    const color = COLORS[i % COLORS.length];
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(" ")}"/>`);
    for (const [px, py] of points) parts.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${color}"/>`);
  });
  return svg(parts);
};

/** One group of bars per category, one bar per series (series points are [category index, value]). */
export const barChart = (text: ChartText, categories: readonly string[], series: readonly Series[]): string => {
  const ys = series.flatMap((s) => s.points.map(([, v]) => v)).filter(Number.isFinite);
  const yTicks = ticks(Math.max(1, ...ys));
  const y = (v: number) => HEIGHT - MARGIN.bottom - (v / yTicks.at(-1)!) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const parts = frame(text, yTicks, y, series.map((s) => s.name));
  const group = (WIDTH - MARGIN.left - MARGIN.right) / Math.max(1, categories.length);
  const bar = (group * 0.8) / Math.max(1, series.length);
  categories.forEach((category, c) => {
    parts.push(`<text x="${MARGIN.left + group * (c + 0.5)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" font-size="11">${escape(category)}</text>`);
  });
  series.forEach((s, i) => {
    for (const [c, v] of s.points) {
      if (!Number.isFinite(v)) continue;
      const left = MARGIN.left + group * c + group * 0.1 + bar * i;
      parts.push(`<rect x="${left.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"/>`);
    }
  });
  return svg(parts);
};
