// The chart as a PNG, for an email's inline (CID) image. resvg draws text with
// the machine's own fonts (DejaVu Sans here): no font is shipped or fetched.
import { Resvg } from '@resvg/resvg-js';
import { chartSvg, type ChartSpec } from './chart-svg';
import { encodePalettePng } from './palette-png';

/** Pixels per CSS pixel: sharp on high-density screens; the palette PNG keeps it near 16 KB. */
export const CHART_PIXEL_RATIO = 2;

export function renderChartPng(chart: ChartSpec & { pixelRatio?: number }): Buffer {
  const image = new Resvg(chartSvg(chart), {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: chart.pixelRatio ?? CHART_PIXEL_RATIO },
    // An opaque background, so every pixel is opaque and the palette needs no transparency.
    background: '#ffffff',
  }).render();
  return encodePalettePng(image.pixels, image.width, image.height);
}
