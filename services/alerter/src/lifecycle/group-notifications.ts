// Alertmanager's routing, reduced to what memsight needs: changes are grouped
// per (app, kind); a group goes out once its oldest change has waited
// `groupWait` (so a burst of instances becomes one email); silenced alerts are
// not notified; a firing alert nobody acknowledged is re-sent after
// `repeatInterval`. Every pending transition leaves here either in exactly one
// notification per channel, or marked silenced.
import type { AlertKind } from '@memsight/contracts';

export interface PendingTransition {
  id: string;
  alertId: string;
  projectId: string;
  appId: string;
  instanceId: string;
  kind: AlertKind;
  to: 'firing' | 'resolved';
  atMs: number;
}

export interface ReminderCandidate {
  alertId: string;
  projectId: string;
  appId: string;
  instanceId: string;
  kind: AlertKind;
}

export interface ActiveSilence {
  projectId: string;
  appId: string | null;
  instanceId: string | null;
  kind: string | null;
}

export interface PlannedNotification {
  projectId: string;
  channelId: string;
  groupKey: string;
  appId: string;
  kind: AlertKind;
  items: { alertId: string; transitionId: string | null; change: 'firing' | 'resolved' | 'reminder' }[];
}

export interface DispatchPlan {
  silenced: string[];
  dispatched: string[];
  notifications: PlannedNotification[];
  /** Alerts whose last_notified_at moves to now. */
  notifiedAlertIds: string[];
}

export function silencedBy(silences: ActiveSilence[], a: { projectId: string; appId: string; instanceId: string; kind: string }): boolean {
  return silences.some(
    (s) => s.projectId === a.projectId && (!s.appId || s.appId === a.appId) && (!s.instanceId || s.instanceId === a.instanceId) && (!s.kind || s.kind === a.kind),
  );
}

export function planNotifications(input: {
  nowMs: number;
  groupWaitMs: number;
  transitions: PendingTransition[];
  reminders: ReminderCandidate[];
  silences: ActiveSilence[];
  channelsByProject: Map<string, string[]>;
}): DispatchPlan {
  const plan: DispatchPlan = { silenced: [], dispatched: [], notifications: [], notifiedAlertIds: [] };
  const groups = new Map<string, { projectId: string; appId: string; kind: AlertKind; due: boolean; items: PlannedNotification['items'] }>();
  const groupOf = (a: { projectId: string; appId: string; kind: AlertKind }) => {
    const key = `${a.projectId}/${a.appId}/${a.kind}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { projectId: a.projectId, appId: a.appId, kind: a.kind, due: false, items: [] }));
    return g;
  };
  const pendingByGroup = new Map<string, PendingTransition[]>();
  for (const t of input.transitions) {
    if (silencedBy(input.silences, t)) {
      plan.silenced.push(t.id);
      continue;
    }
    const g = groupOf(t);
    if (t.atMs <= input.nowMs - input.groupWaitMs) g.due = true;
    g.items.push({ alertId: t.alertId, transitionId: t.id, change: t.to });
    const key = `${t.projectId}/${t.appId}/${t.kind}`;
    pendingByGroup.set(key, [...(pendingByGroup.get(key) ?? []), t]);
  }
  const inTransitions = new Set(input.transitions.map((t) => t.alertId));
  for (const r of input.reminders) {
    if (inTransitions.has(r.alertId) || silencedBy(input.silences, r)) continue;
    const g = groupOf(r);
    g.due = true; // a reminder is already late by definition
    g.items.push({ alertId: r.alertId, transitionId: null, change: 'reminder' });
  }
  for (const [key, g] of groups) {
    if (!g.due) continue; // waits for its group_wait; the transitions stay pending
    for (const t of pendingByGroup.get(key) ?? []) plan.dispatched.push(t.id);
    plan.notifiedAlertIds.push(...new Set(g.items.map((i) => i.alertId)));
    // Firing first, then reminders, then resolved: the email leads with what needs attention.
    const order = { firing: 0, reminder: 1, resolved: 2 } as const;
    const items = [...g.items].sort((a, b) => order[a.change] - order[b.change]);
    for (const channelId of input.channelsByProject.get(g.projectId) ?? []) {
      plan.notifications.push({ projectId: g.projectId, channelId, groupKey: key, appId: g.appId, kind: g.kind, items });
    }
  }
  return plan;
}
