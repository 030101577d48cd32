import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupFacts, MAX_DETAILED_ITEMS } from './group-facts';
import { renderText } from './text-part';
import { sampleAlert, sampleContent, sampleLeakEvidence, seriesFreeItems } from './sample-content';

test('the text part states the evidence figures of each alert', () => {
  const text = renderText(groupFacts(sampleContent()));
  for (const expected of [
    'Memory leak · checkout-api',
    '1 firing, 1 resolved',
    '== FIRING · warning · instance 318',
    'RSS grows 31.4 MiB/h on instance 318',
    'Rate           +31.4 MiB/h',
    'Confidence     99.9 %',
    'Growing since  2026-12-01 12:04 UTC',
    'Forecast       limit 512 MiB (cgroup) reached around 2026-12-01 16:06 UTC, between 15:26 and 17:16',
    'Next step: Compare two tracemalloc snapshots',
    'Instance page: https://memsight.example.com/instances/318?alert=1042',
    '== RESOLVED · warning · instance 311',
    'Resolved    2026-12-01 13:50 UTC',
    'All alerts: https://memsight.example.com/alerts',
  ]) {
    assert.ok(text.includes(expected), `missing: ${expected}\n${text}`);
  }
});

test('the text part lists growing allocation sites with their first traceback lines, and object types with growth', () => {
  const text = renderText(groupFacts(sampleContent()));
  assert.match(text, / 1\. app\/pricing\/cache\.py:88\n\s+\+41\.2 MiB of 96\.4 MiB, 182,340 allocations\n\s+app\/pricing\/cache\.py:88 in put\n\s+app\/pricing\/quote\.py:141 in quote_for_cart\n\s+app\/routes\/checkout\.py:57 in checkout\n/);
  assert.doesNotMatch(text, /flask\/app\.py/, 'only the first three frames');
  assert.match(text, /pricing\.cache\.Entry\s+182,340\s+\+78,245/);
});

test('no more than five sites, and untrusted text stays on its own line', () => {
  const sites = Array.from({ length: 8 }, (_, i) => ({ site: `mod.py:${i}\nFAKE LINE`, sizeBytes: 1024 * (8 - i), growthBytes: 512 }));
  const content = sampleContent([{ change: 'firing', alert: sampleAlert(), evidence: sampleLeakEvidence({ sites }), url: 'https://memsight.example.com/i/1' }]);
  const text = renderText(groupFacts(content));
  assert.match(text, /mod\.py:4 FAKE LINE/);
  assert.doesNotMatch(text, /mod\.py:5/);
  assert.doesNotMatch(text, /^FAKE LINE/m);
});

test('kinds without a rate show their own figure', () => {
  const text = renderText(groupFacts({ ...sampleContent(seriesFreeItems()), kind: 'gc' }));
  assert.match(text, /Value\s+23 %/, 'a GC time fraction');
  assert.match(text, /Other signals\s+pauseFraction 0\.231, fullPerMinute 8\.5/);
  assert.match(text, /Held but unused\s+46 %/);
  assert.match(text, /Value\s+1,890 descriptors/);
});

test('past the detailed alerts, the rest are one line each', () => {
  const items = Array.from({ length: MAX_DETAILED_ITEMS + 3 }, (_, i) => ({
    change: 'firing' as const,
    alert: sampleAlert({ id: `a${i}`, instanceId: String(100 + i), summary: `RSS grows on instance ${100 + i}` }),
    evidence: { nextStep: 'Look.' },
    url: `https://memsight.example.com/instances/${100 + i}`,
  }));
  const text = renderText(groupFacts(sampleContent(items)));
  assert.equal(text.match(/^== FIRING/gm)?.length, MAX_DETAILED_ITEMS);
  assert.match(text, /And 3 more:\n  FIRING\s+instance 110: RSS grows on instance 110\n\s+https:\/\/memsight\.example\.com\/instances\/110/);
});

test('a reminder reads as still firing', () => {
  const content = sampleContent([{ change: 'reminder', alert: sampleAlert(), evidence: sampleLeakEvidence(), url: 'https://memsight.example.com/instances/318' }]);
  const text = renderText(groupFacts(content));
  assert.match(text, /^1 still firing$/m);
  assert.match(text, /^== STILL FIRING · warning · instance 318 =+$/m);
});
