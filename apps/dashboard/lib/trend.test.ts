import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChartData } from './chart-data';
import { crossing, fitLine, withForecast, withTrend } from './trend';

const MB = 2 ** 20;

/** A GC sawtooth (teeth of `tooth` bytes every 60 s) over a floor rising `perHour`, one reading per 10 s for `hours`. */
function sawtooth(perHour: number, tooth: number, hours: number, seed = 1): ChartData {
  let s = seed;
  const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.1 * tooth;
  const x: number[] = [];
  const v: number[] = [];
  for (let t = 0; t <= hours * 3600; t += 10) {
    x.push(1_700_000_000 + t);
    v.push(200 * MB + (perHour * t) / 3600 + ((t % 60) / 60) * tooth + noise());
  }
  return { x, series: [{ label: 'rss', color: '#000', values: v }] };
}

test('the fitted slope of a sawtooth over a rising floor is the floor rate, not thrown by the teeth', () => {
  for (const perHour of [5 * MB, 50 * MB]) {
    const fit = fitLine(sawtooth(perHour, 40 * MB, 2).x, sawtooth(perHour, 40 * MB, 2).series[0]!.values)!;
    assert.ok(Math.abs(fit.slope * 3600 - perHour) < 0.1 * perHour + 2 * MB, `${(fit.slope * 3600) / MB} MB/h for ${perHour / MB}`);
  }
});

test('a flat series has no crossing; a rising one crosses where the line says', () => {
  const flat = sawtooth(0, 20 * MB, 1);
  const fit = fitLine(flat.x, flat.series[0]!.values)!;
  assert.ok(Math.abs(fit.slope * 3600) < 4 * MB, `flat slope ${(fit.slope * 3600) / MB} MB/h`);
  assert.equal(crossing({ slope: -1, intercept: 0, t0: 0 }, 10), null);
  assert.equal(crossing({ slope: 2, intercept: 4, t0: 100 }, 10), 103);
});

test('the forecast runs from the last reading to the limit when it is near, and a third of the range ahead when it is far', () => {
  const data = sawtooth(100 * MB, 10 * MB, 1);
  const last = data.x.at(-1)!;
  const near = withForecast(data, 'rss', 330 * MB); // ~300 MB now: the limit is about 20 min ahead
  const f = near.data.series.find((s) => s.label === 'forecast')!;
  assert.equal(near.data.x.length, data.x.length + 1);
  assert.ok(near.forecast!.reachesAt! > last && near.forecast!.reachesAt! < last + 1800, `${near.forecast!.reachesAt! - last}s ahead`);
  assert.equal(near.data.x.at(-1), near.forecast!.reachesAt);
  assert.ok(Math.abs(f.values.at(-1)! - 330 * MB) < MB);
  assert.deepEqual(f.values.slice(0, -2).filter((v) => v !== null), []);
  assert.ok(near.data.series.slice(0, -1).every((s) => s.values.length === near.data.x.length && s.values.at(-1) === null));

  const far = withForecast(data, 'rss', 64 * 1024 * MB);
  assert.ok(Math.abs(far.data.x.at(-1)! - (last + 1200)) < 1, 'a third of an hour ahead');
  assert.ok(far.forecast!.reachesAt! > last + 86400);
});

test('no forecast without a limit or a rise, and a trend line spans the readings it fits', () => {
  const flat = sawtooth(-20 * MB, 10 * MB, 1);
  assert.equal(withForecast(flat, 'rss', 1024 * MB).data, flat);
  assert.equal(withForecast(flat, 'rss', null).forecast, null);
  assert.equal(withForecast(flat, 'missing', 1024 * MB).forecast, null);
  const trend = withTrend(sawtooth(30 * MB, 10 * MB, 1), 'rss', 'floor trend');
  const line = trend.series.at(-1)!;
  assert.match(line.label, /^floor trend \(\+\d+\.\d MiB\/h\)$/);
  assert.ok(line.values[0] !== null && line.values.at(-1) !== null && line.values.filter((v) => v !== null).length === 2);
  assert.ok(Math.abs(line.trend! - 30 * MB) < 3 * MB);
});
