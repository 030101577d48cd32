import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALERT_KINDS, ALERT_STATES, type AlertSummary, type AlertTransitionEvent } from '@memsight/contracts';
import { applyEvents, filtersFromQuery, filtersToQuery, NO_FILTERS, replaceAlert } from './alert-feed';

const alert = (id: string, startedAt: string, over: Partial<AlertSummary> = {}): AlertSummary => ({
  id, kind: 'leak', state: 'pending', severity: 'warning', ruleId: 'r', ruleName: 'Memory leak', appId: 'app-1', appName: 'api', instanceId: '1',
  summary: 'grows', metric: null, value: null, startedAt, firedAt: null, resolvedAt: null, lastEvaluatedAt: startedAt, acknowledged: null, silenced: false,
  link: '/instances/1', ...over,
});
const event = (a: AlertSummary, cursor: string): AlertTransitionEvent => ({
  cursor, alert: a, transition: { id: cursor, alertId: a.id, from: null, to: a.state, at: a.lastEvaluatedAt, reason: '' },
});

test('a pushed transition replaces its alert, and a new alert enters newest first', () => {
  const old = alert('a', '2026-12-01T10:00:00Z');
  const list = applyEvents([old], [event({ ...old, state: 'firing' }, '5'), event(alert('b', '2026-12-01T11:00:00Z'), '6')], NO_FILTERS);
  assert.deepEqual(list.map((a) => [a.id, a.state]), [['b', 'pending'], ['a', 'firing']]);
});

test('an alert that stops matching the filters leaves the list; one that starts to match enters it', () => {
  const f = { ...NO_FILTERS, states: ['firing' as const] };
  const a = alert('a', '2026-12-01T10:00:00Z', { state: 'firing' });
  assert.deepEqual(applyEvents([a], [event({ ...a, state: 'resolved' }, '7')], f), []);
  assert.deepEqual(applyEvents([], [event(a, '8')], f).map((x) => x.id), ['a']);
  assert.deepEqual(applyEvents([a], [event(alert('c', '2026-12-01T12:00:00Z', { appId: 'other' }), '9')], { ...f, appId: 'app-1' }).map((x) => x.id), ['a']);
  assert.deepEqual(replaceAlert([a], { ...a, kind: 'gc' }, { ...NO_FILTERS, kinds: ['leak'] }), []);
});

test('filters round-trip through the URL, and unknown values are dropped', () => {
  const f = { states: ['firing' as const, 'pending' as const], kinds: ['leak' as const], appId: 'app-1' };
  assert.deepEqual(filtersFromQuery(filtersToQuery(f), ALERT_STATES, ALERT_KINDS), f);
  assert.deepEqual(filtersFromQuery(new URLSearchParams('state=firing,bogus&kind=nope'), ALERT_STATES, ALERT_KINDS), { states: ['firing'], kinds: [], appId: null });
});
