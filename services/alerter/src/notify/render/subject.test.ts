import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SUBJECT_CHARS, renderSubject } from './subject';
import { sampleAlert, sampleContent, sampleLeakEvidence } from './sample-content';
import type { EmailItem } from './email-content';

const item = (change: EmailItem['change'], id: string, summary = `RSS grows on ${id}`): EmailItem => ({
  change,
  alert: sampleAlert({ id, summary }),
  evidence: sampleLeakEvidence(),
  url: `https://memsight.example.com/instances/${id}`,
});

test('counts firing alerts, Alertmanager style', () => {
  assert.equal(renderSubject(sampleContent([item('firing', 'a'), item('firing', 'b')])), '[FIRING:2] leak · checkout-api');
});

test('a reminder counts as firing', () => {
  assert.equal(renderSubject(sampleContent([item('firing', 'a'), item('reminder', 'b')])), '[FIRING:2] leak · checkout-api');
});

test('all resolved reads RESOLVED without a count', () => {
  assert.equal(renderSubject(sampleContent([item('resolved', 'a'), item('resolved', 'b')])), '[RESOLVED] leak · checkout-api');
});

test('a mixed group counts both', () => {
  assert.equal(renderSubject(sampleContent([item('firing', 'a'), item('resolved', 'b')])), '[FIRING:1, RESOLVED:1] leak · checkout-api');
});

test('one alert adds its summary', () => {
  assert.equal(renderSubject(sampleContent([item('firing', 'a', 'RSS grows 12.3 MiB/h on instance 318')])), '[FIRING:1] leak · checkout-api — RSS grows 12.3 MiB/h on instance 318');
  assert.equal(renderSubject(sampleContent([item('resolved', 'a', 'RSS grew')])), '[RESOLVED] leak · checkout-api — RSS grew');
});

test('untrusted names cannot break the header: CR, LF and other breaks become spaces', () => {
  const content = sampleContent([item('firing', 'a', 'grows\r\nBcc: victim@example.com\u2028x')]);
  content.appName = 'shop\r\nX-Injected: 1';
  const subject = renderSubject(content);
  assert.doesNotMatch(subject, /[\r\n\u2028\u2029]/);
  assert.equal(subject, '[FIRING:1] leak · shop X-Injected: 1 — grows Bcc: victim@example.com x');
});

test('a long summary is cut to keep the subject short', () => {
  const subject = renderSubject(sampleContent([item('firing', 'a', 'x'.repeat(500))]));
  assert.equal(Array.from(subject).length, MAX_SUBJECT_CHARS);
  assert.ok(subject.startsWith('[FIRING:1] leak · checkout-api — x') && subject.endsWith('…'));
});
