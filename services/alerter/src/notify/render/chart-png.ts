// The chart as a PNG, for an email's inline (CID) image. resvg draws text with
// the machine's own fonts (DejaVu Sans here): no font is shipped or fetched.
import { Resvg } from '@resvg/resvg-js';
import { chartSvg, type ChartSpec } from './chart-svg';

export type { ChartSpec } from './chart-svg';

/** Pixels per CSS pixel: sharp on high-density screens, and still about 20 KB a chart. */
export const CHART_PIXEL_RATIO = 2;

export function renderChartPng(chart: ChartSpec & { pixelRatio?: number }): Buffer {
  const svg = chartSvg(chart);
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: chart.pixelRatio ?? CHART_PIXEL_RATIO },
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}
