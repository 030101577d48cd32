import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderEmail } from './render-email';
import { sampleAlert, sampleContent, sampleLeakEvidence } from './sample-content';

function hostileContent() {
  const content = sampleContent([
    {
      change: 'firing',
      alert: sampleAlert({ appName: '<b>shop</b>', summary: 'grows "fast" & <i>hard</i>', instanceId: '318<script>' }),
      evidence: sampleLeakEvidence({
        metric: 'custom.metric"><script>alert(3)</script>',
        nextStep: 'Click <a href="javascript:alert(2)">here</a>',
        sites: [{ site: '<script>alert(1)</script>" onerror="x', sizeBytes: 1024, growthBytes: 512, traceback: ['<img src=x onerror=alert(1)>'] }],
        types: [{ type: 'Map<string, "x">', count: 3, growth: 1 }],
      }),
      url: 'javascript:alert(4)',
    },
  ]);
  content.appName = '<b>shop</b>';
  content.projectName = 'Acme & "Sons"';
  return content;
}

test('every string from alerts and evidence comes out escaped', () => {
  const { html } = renderEmail(hostileContent());
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img src=x/);
  assert.doesNotMatch(html, /<b>shop/);
  assert.doesNotMatch(html, /onerror="x/);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&quot; onerror=&quot;x'), 'the site name');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the traceback');
  assert.ok(html.includes('Map&lt;string, &quot;x&quot;&gt;'), 'the type name');
  assert.ok(html.includes('grows &quot;fast&quot; &amp; &lt;i&gt;hard&lt;/i&gt;'), 'the summary');
  assert.ok(html.includes('Acme &amp; &quot;Sons&quot;'), 'the project name');
  assert.match(html, /alt="Chart of custom\.metric&quot;&gt;&lt;script&gt;/, 'the chart alt text');
});

test('a URL that is not http(s) never becomes a link', () => {
  const { html } = renderEmail(hostileContent());
  assert.doesNotMatch(html, /href="javascript:/i);
  assert.doesNotMatch(html, /href="(?!https?:)/, 'every href is http(s)');
});

test('the chart is an inline CID image with width, height and alt text, and every CID is an attachment', () => {
  const { html, attachments } = renderEmail(sampleContent());
  const cids = [...html.matchAll(/<img src="cid:([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]+)"/g)];
  assert.equal(cids.length, 2);
  assert.deepEqual(cids.map((m) => m[1]), attachments.map((a) => a.cid));
  for (const m of cids) {
    assert.equal(m[2], '500');
    assert.equal(m[3], '180');
    assert.match(m[4]!, /^Chart of process\.memory\.rss · instance 3\d\d from 2026-12-01 12:00 UTC to 2026-12-01 14:00 UTC/);
  }
  assert.match(cids[0]![4]!, /limit 512 MiB \(cgroup\) reached around/);
});

test('the HTML is self-contained: no external stylesheet, script, font or image', () => {
  const { html } = renderEmail(sampleContent());
  assert.doesNotMatch(html, /<link|<script|@import|@font-face|url\(/i);
  assert.deepEqual([...html.matchAll(/<img [^>]*src="([^"]+)"/g)].map((m) => m[1]!.startsWith('cid:')), [true, true]);
  assert.match(html, /max-width:600px/);
});

test('the HTML tells the same figures as the text part', () => {
  const { html, text } = renderEmail(sampleContent());
  for (const figure of ['+31.4 MiB/h', '99.9 %', '2026-12-01 12:04 UTC', 'limit 512 MiB (cgroup) reached around 2026-12-01 16:06 UTC, between 15:26 and 17:16', '+41.2 MiB of 96.4 MiB, 182,340 allocations', 'app/pricing/quote.py:141 in quote_for_cart', '+78,245']) {
    assert.ok(text.includes(figure), `text: ${figure}`);
    assert.ok(html.includes(figure), `html: ${figure}`);
  }
});
