import { test } from 'node:test';
import assert from 'node:assert/strict';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { simpleParser } from 'mailparser';
import { renderEmail } from './render-email';
import { MAX_CHARTS } from './item-chart';
import { leakingSeries, sampleAlert, sampleContent, sampleLeakEvidence, seriesFreeItems } from './sample-content';
import type { RenderedEmail } from './email-content';

function buildMime(email: RenderedEmail): Promise<Buffer> {
  const composer = new MailComposer({
    from: 'memsight <alerts@memsight.example.com>',
    to: 'oncall@example.com',
    subject: email.subject,
    text: email.text,
    html: email.html,
    attachments: email.attachments,
  });
  return new Promise((resolve, reject) => composer.compile().build((err, message) => (err ? reject(err) : resolve(message))));
}

test('one chart per alert with a series, each a PNG with its own CID', (t) => {
  const started = performance.now();
  const email = renderEmail(sampleContent());
  t.diagnostic(`sample email (2 charts) rendered in ${(performance.now() - started).toFixed(0)} ms; PNGs ${email.attachments.map((a) => a.content.length).join(' B, ')} B`);
  assert.equal(email.attachments.length, 2);
  assert.deepEqual(email.attachments.map((a) => a.cid), ['chart-0-1042@memsight', 'chart-1-1039@memsight']);
  for (const a of email.attachments) {
    assert.equal(a.contentType, 'image/png');
    assert.match(a.filename, /^chart-[\w.-]+\.png$/);
    assert.equal(a.content.subarray(1, 4).toString('ascii'), 'PNG');
  }
});

test('kinds without a series, and a series of one point, have no chart', () => {
  const email = renderEmail({ ...sampleContent(seriesFreeItems()), kind: 'gc' });
  assert.equal(email.attachments.length, 0);
  assert.doesNotMatch(email.html, /<img/);
});

test(`no more than ${MAX_CHARTS} charts, with unique CIDs even for ids that clean up alike`, () => {
  const items = Array.from({ length: MAX_CHARTS + 2 }, (_, i) => ({
    change: 'firing' as const,
    alert: sampleAlert({ id: i % 2 ? 'a/b' : 'a?b' }),
    evidence: sampleLeakEvidence({ series: leakingSeries(5 + i), forecast: undefined }),
    url: 'https://memsight.example.com/instances/318',
  }));
  const email = renderEmail(sampleContent(items));
  assert.equal(email.attachments.length, MAX_CHARTS);
  assert.equal(new Set(email.attachments.map((a) => a.cid)).size, MAX_CHARTS);
  assert.equal(email.html.match(/<img /g)?.length, MAX_CHARTS);
});

test('nodemailer sends the chart as an inline part of multipart/related, so clients show it in place', async () => {
  const email = renderEmail(sampleContent());
  const mime = (await buildMime(email)).toString('utf8');
  assert.match(mime, /Content-Type: multipart\/alternative/);
  assert.match(mime, /Content-Type: text\/plain/);
  assert.match(mime, /Content-Type: multipart\/related; type="text\/html"/);
  for (const a of email.attachments) {
    const part = mime.split(/\r\n--/).find((p) => p.includes(`Content-ID: <${a.cid}>`));
    assert.ok(part, `a part with Content-ID <${a.cid}>`);
    assert.match(part, /Content-Type: image\/png/);
    assert.match(part, /Content-Disposition: inline/);
  }
  // keepCidLinks: mailparser would otherwise inline the images as data: URIs.
  const parsed = await simpleParser(mime, { keepCidLinks: true });
  assert.equal(parsed.subject, email.subject);
  assert.deepEqual(parsed.attachments.map((a) => [a.cid, a.related, a.contentType, a.size]), email.attachments.map((a) => [a.cid, true, 'image/png', a.content.length]));
  assert.ok(parsed.html && parsed.html.includes(`cid:${email.attachments[0]!.cid}`));
});

test('a name with CR/LF cannot add a header to the message', async () => {
  const content = sampleContent([{ change: 'firing', alert: sampleAlert({ summary: 'x\r\nBcc: victim@example.com' }), evidence: { nextStep: 'Look.' }, url: 'https://memsight.example.com/i/1' }]);
  content.appName = 'shop\r\nX-Injected: 1';
  const mime = (await buildMime(renderEmail(content))).toString('utf8');
  const headers = mime.slice(0, mime.indexOf('\r\n\r\n'));
  assert.doesNotMatch(headers, /^(Bcc|X-Injected):/im);
  const parsed = await simpleParser(mime);
  assert.equal(parsed.headers.get('x-injected'), undefined);
  assert.equal(parsed.bcc, undefined);
  assert.equal(parsed.subject, '[FIRING:1] leak · shop X-Injected: 1 — x Bcc: victim@example.com');
});

test('an empty group is a caller error', () => {
  assert.throws(() => renderEmail(sampleContent([])), RangeError);
});
