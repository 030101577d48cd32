import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resvg } from '@resvg/resvg-js';
import { renderChartPng } from './chart-png';
import { chartSvg, type ChartSpec } from './chart-svg';
import { encodePalettePng } from './palette-png';
import { sampleLeakEvidence } from './sample-content';

const MIB = 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, which must come first. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE, 'PNG signature');
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function leakChart(): ChartSpec {
  const e = sampleLeakEvidence();
  return { series: e.series!, trend: e.trend, limit: { value: 512 * MIB, label: 'limit 512 MiB (cgroup)' }, unit: 'By', title: 'process.memory.rss · instance 318' };
}

function drawPixels(svg: string): { pixels: Buffer; width: number; height: number } {
  const image = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' }).render();
  return { pixels: image.pixels, width: image.width, height: image.height };
}

test('a chart with a trend and a limit renders as a 2× PNG of 500×180', (t) => {
  const started = performance.now();
  const png = renderChartPng(leakChart());
  const coldMs = performance.now() - started;
  const warmStarted = performance.now();
  renderChartPng(leakChart());
  const warmMs = performance.now() - warmStarted;
  assert.deepEqual(pngSize(png), { width: 1000, height: 360 });
  assert.ok(png.length < 60_000, `${png.length} B`);
  t.diagnostic(`chart 1000×360 (500×180 @2x): ${png.length} B, ${coldMs.toFixed(0)} ms cold, ${warmMs.toFixed(0)} ms warm`);
});

test('width, height and pixel ratio set the PNG size', () => {
  assert.deepEqual(pngSize(renderChartPng({ ...leakChart(), width: 300, height: 120, pixelRatio: 1 })), { width: 300, height: 120 });
});

test('the trend is carried on to the limit when it meets it within reach, with the forecast band and the crossing marked', () => {
  const svg = chartSvg(leakChart());
  assert.match(svg, />forecast</);
  assert.match(svg, /stroke-dasharray="6 4"/, 'the dashed trend');
  assert.match(svg, />limit 512 MiB \(cgroup\)</);
  assert.match(svg, /≈ 16:0\d/, 'the crossing time');
  const far = chartSvg({ ...leakChart(), limit: { value: 4096 * MIB, label: 'limit 4 GiB' } });
  assert.doesNotMatch(far, />forecast</, 'a crossing 10 spans away is not drawn');
});

test('a flat series renders, with no NaN in the drawing', () => {
  const t = Array.from({ length: 60 }, (_, i) => Date.UTC(2026, 11, 1, 12, i));
  const spec: ChartSpec = { series: { t, v: t.map(() => 12) }, trend: { slopePerMs: 0, intercept: 12, fromMs: t[0]! }, unit: '{fd}', title: 'process.open_fds' };
  const svg = chartSvg(spec);
  assert.doesNotMatch(svg, /NaN|Infinity/);
  assert.deepEqual(pngSize(renderChartPng(spec)), { width: 1000, height: 360 });
  const zero = chartSvg({ series: { t, v: t.map(() => 0) }, unit: '1' });
  assert.doesNotMatch(zero, /NaN|Infinity/);
});

test('one point, no points, odd lengths and non-finite values still draw', () => {
  const at = Date.UTC(2026, 11, 1, 12);
  for (const series of [
    { t: [at], v: [100 * MIB] },
    { t: [], v: [] },
    { t: [at, at + 60_000, at + 120_000], v: [1, NaN] },
    { t: [at, Number.POSITIVE_INFINITY, at + 60_000], v: [5, 6, 7] },
  ]) {
    const svg = chartSvg({ series, unit: 'By', trend: { slopePerMs: 1, intercept: 0, fromMs: at }, limit: { value: 1e9, label: 'limit' } });
    assert.doesNotMatch(svg, /NaN|Infinity/, JSON.stringify(series));
    assert.ok(pngSize(renderChartPng({ series, unit: 'By' })).width > 0);
  }
  assert.match(chartSvg({ series: { t: [], v: [] }, unit: null }), />no data</);
});

test('a long series is thinned to what the pixels can show', () => {
  const t = Array.from({ length: 200_000 }, (_, i) => Date.UTC(2026, 11, 1) + i * 1000);
  const svg = chartSvg({ series: { t, v: t.map((_, i) => 1e8 + (i % 97) * 1e5) }, unit: 'By' });
  const points = /<polyline points="([^"]*)"/.exec(svg)![1]!.split(' ').length;
  assert.ok(points <= 2 * 500, `${points} points`);
});

test('the title is drawn in a system font (resvg draws nothing when it finds none)', () => {
  const { pixels, width } = drawPixels(chartSvg(leakChart()));
  let dark = 0;
  for (let y = 6; y < 22; y++) for (let x = 12; x < 200; x++) if (pixels[(y * width + x) * 4]! < 100) dark++;
  assert.ok(dark > 100, `${dark} dark pixels in the title`);
});

test('the palette PNG decodes to the pixels resvg drew', () => {
  const original = drawPixels(chartSvg(leakChart()));
  const png = encodePalettePng(original.pixels, original.width, original.height);
  const wrapped = `<svg xmlns="http://www.w3.org/2000/svg" width="${original.width}" height="${original.height}"><image href="data:image/png;base64,${png.toString('base64')}" width="${original.width}" height="${original.height}"/></svg>`;
  const decoded = drawPixels(wrapped);
  let worst = 0;
  let total = 0;
  for (let i = 0; i < original.pixels.length; i++) {
    const d = Math.abs(original.pixels[i]! - decoded.pixels[i]!);
    worst = Math.max(worst, d);
    total += d;
  }
  assert.ok(total / original.pixels.length < 0.5, `mean channel error ${total / original.pixels.length}`);
  assert.ok(worst < 64, `worst channel error ${worst}`);
});

test('a palette PNG of at most 256 colours is lossless', () => {
  const rgba = Buffer.alloc(4 * 4 * 4);
  [0xff0000, 0x00ff00, 0x0000ff, 0xffffff].forEach((c, i) => {
    for (let p = i * 4; p < i * 4 + 4; p++) rgba.set([c >> 16, (c >> 8) & 255, c & 255, 255], p * 4);
  });
  const png = encodePalettePng(rgba, 4, 4);
  const decoded = drawPixels(`<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><image href="data:image/png;base64,${png.toString('base64')}" width="4" height="4"/></svg>`);
  assert.deepEqual([...decoded.pixels], [...rgba]);
});
