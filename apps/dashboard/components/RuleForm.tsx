'use client';
// Create or edit one alert rule. The params fields come from the kind's
// contract schema; the API's validation problems show at the field they name.
import { useState } from 'react';
import { ALERT_KINDS, SEVERITIES, type AlertKind, type AlertRule, type AppSummary } from '@memsight/contracts';
import { api, ApiError } from '../lib/api';
import { formFromParams, paramFields, paramsFromForm, problemsByField } from '../lib/rule-form';

const FOR_HINT = 'How long the condition holds before it fires.';

function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <small id={`${id}-hint`} className="muted">{hint}</small>}
      {error && <small id={`${id}-error`} className="error" role="alert" data-field-error={id}>{error}</small>}
    </div>
  );
}

export function RuleForm({ apiKey, rule, apps, onSaved, onCancel }: { apiKey: string; rule?: AlertRule; apps: AppSummary[]; onSaved: (r: AlertRule) => void; onCancel: () => void }) {
  const [kind, setKind] = useState<AlertKind>(rule?.kind ?? 'threshold');
  const [name, setName] = useState(rule?.name ?? '');
  const [severity, setSeverity] = useState(rule?.severity ?? 'warning');
  const [forSeconds, setForSeconds] = useState(rule ? String(rule.forSeconds) : '');
  const [appId, setAppId] = useState(rule?.appId ?? '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [params, setParams] = useState<Record<string, string>>(rule ? formFromParams(rule.params) : {});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    const common = {
      ...(name.trim() ? { name: name.trim() } : {}),
      severity,
      enabled,
      ...(forSeconds.trim() ? { forSeconds: Number(forSeconds) } : {}),
      params: paramsFromForm(kind, params),
    };
    try {
      const saved = rule ? await api.updateRule(apiKey, rule.id, common) : await api.createRule(apiKey, { kind, ...(appId ? { appId } : {}), ...common });
      onSaved(saved);
    } catch (err) {
      setErrors(problemsByField(err instanceof ApiError ? err.problems : [], (err as Error).message));
    } finally {
      setBusy(false);
    }
  };

  const describedBy = (id: string, hint?: string) => [hint ? `${id}-hint` : '', errors[id] ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <form className="card rule-form" onSubmit={submit} aria-label={rule ? `Edit ${rule.name}` : 'New rule'} noValidate>
      <h2>{rule ? `Edit “${rule.name}”` : 'New rule'}</h2>
      {errors.form && <p className="error" role="alert">{errors.form}</p>}
      <div className="fields">
        <Field id="kind" label="Kind" error={errors.kind}>
          <select id="kind" value={kind} disabled={!!rule} onChange={(e) => { setKind(e.target.value as AlertKind); setParams({}); }}>
            {ALERT_KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </Field>
        <Field id="name" label="Name" error={errors.name}>
          <input id="name" value={name} placeholder="default for the kind" onChange={(e) => setName(e.target.value)} aria-invalid={!!errors.name} aria-describedby={describedBy('name')} />
        </Field>
        <Field id="appId" label="App" error={errors.appId}>
          <select id="appId" value={appId} disabled={!!rule} onChange={(e) => setAppId(e.target.value)}>
            <option value="">every app</option>
            {apps.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </Field>
        <Field id="severity" label="Severity" error={errors.severity}>
          <select id="severity" value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)}>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </Field>
        <Field id="forSeconds" label="For (seconds)" error={errors.forSeconds} hint={FOR_HINT}>
          <input id="forSeconds" inputMode="numeric" value={forSeconds} placeholder="default" onChange={(e) => setForSeconds(e.target.value)} aria-invalid={!!errors.forSeconds} aria-describedby={describedBy('forSeconds', FOR_HINT)} />
        </Field>
        <div className="field">
          <label><input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled</label>
        </div>
      </div>
      <h3>Settings of a {kind} rule</h3>
      <div className="fields">
        {paramFields(kind).map((f) => {
          const id = `params.${f.name}`;
          return (
            <Field key={f.name} id={id} label={f.name} error={errors[id]} hint={f.description}>
              {f.input === 'select' ? (
                <select id={id} value={params[f.name] ?? f.defaultValue ?? ''} onChange={(e) => setParams({ ...params, [f.name]: e.target.value })}>
                  {f.options!.map((o) => <option key={o} value={o}>{o}</option>)}
                </select>
              ) : (
                <input
                  id={id}
                  inputMode={f.input === 'number' ? 'decimal' : undefined}
                  value={params[f.name] ?? ''}
                  placeholder={f.defaultValue ?? ''}
                  onChange={(e) => setParams({ ...params, [f.name]: e.target.value })}
                  aria-invalid={!!errors[id]}
                  aria-describedby={describedBy(id, f.description)}
                />
              )}
            </Field>
          );
        })}
      </div>
      {errors.params && <p className="error" role="alert" data-field-error="params">{errors.params}</p>}
      <p>
        <button type="submit" disabled={busy}>{rule ? 'Save rule' : 'Create rule'}</button>{' '}
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
      </p>
    </form>
  );
}
