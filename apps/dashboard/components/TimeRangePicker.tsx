'use client';
// The relative ranges as buttons, and a custom range from two times: the
// form says what is wrong at the field, and the chosen range goes in the URL.
import { useState } from 'react';
import { checkCustom, fromLocalInput, RANGES, resolveWindow, toLocalInput, type RangeName, type TimeWindow } from '../lib/time-range';

export function TimeRangePicker({ value, onChange }: { value: TimeWindow; onChange: (w: TimeWindow) => void }) {
  const [open, setOpen] = useState(false);
  const current = resolveWindow(value, Date.now());
  const [from, setFrom] = useState(() => toLocalInput(current.fromMs));
  const [to, setTo] = useState(() => toLocalInput(Math.min(current.toMs, Date.now())));
  const [problem, setProblem] = useState<string | null>(null);

  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    const fromMs = fromLocalInput(from);
    const toMs = fromLocalInput(to);
    const why = checkCustom(fromMs, toMs);
    setProblem(why);
    if (why === null) {
      onChange({ kind: 'custom', fromMs, toMs });
      setOpen(false);
    }
  };

  return (
    <div className="range">
      <div className="filters" role="group" aria-label="Time range">
        <span className="muted">range</span>
        {(Object.keys(RANGES) as RangeName[]).map((r) => (
          <button key={r} type="button" className="chip" aria-pressed={value.kind === 'relative' && r === value.name} onClick={() => onChange({ kind: 'relative', name: r })}>
            {r}
          </button>
        ))}
        <button type="button" className="chip" aria-pressed={value.kind === 'custom'} aria-expanded={open} onClick={() => setOpen(!open)}>
          custom
        </button>
      </div>
      {open && (
        <form className="filters" onSubmit={apply} aria-label="Custom time range" noValidate>
          <label className="field-inline">
            from <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} aria-invalid={problem !== null} aria-describedby="range-problem" />
          </label>
          <label className="field-inline">
            to <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={problem !== null} aria-describedby="range-problem" />
          </label>
          <button type="submit">Show</button>
          <span id="range-problem" className="error" role={problem ? 'alert' : undefined}>{problem}</span>
        </form>
      )}
    </div>
  );
}
