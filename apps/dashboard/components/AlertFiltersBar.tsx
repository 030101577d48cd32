'use client';
// Filters of the alerts page: state and kind as toggle buttons, the app as a select.
import { ALERT_KINDS, ALERT_STATES, type AppSummary } from '@memsight/contracts';
import type { AlertFilters } from '../lib/alert-feed';

function toggle<T>(list: T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

export function AlertFiltersBar({ filters, apps, onChange }: { filters: AlertFilters; apps: AppSummary[]; onChange: (f: AlertFilters) => void }) {
  return (
    <div className="filters" role="group" aria-label="Alert filters">
      <span className="muted">state</span>
      {ALERT_STATES.map((s) => (
        <button key={s} type="button" className="chip" aria-pressed={filters.states.includes(s)} onClick={() => onChange({ ...filters, states: toggle(filters.states, s) })}>
          {s}
        </button>
      ))}
      <span className="muted">kind</span>
      {ALERT_KINDS.map((k) => (
        <button key={k} type="button" className="chip" aria-pressed={filters.kinds.includes(k)} onClick={() => onChange({ ...filters, kinds: toggle(filters.kinds, k) })}>
          {k}
        </button>
      ))}
      <label>
        <span className="muted">app </span>
        <select value={filters.appId ?? ''} onChange={(e) => onChange({ ...filters, appId: e.target.value || null })}>
          <option value="">all apps</option>
          {apps.map((a) => (
            <option key={a.id} value={a.id}>{a.name}</option>
          ))}
        </select>
      </label>
    </div>
  );
}
