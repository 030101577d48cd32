'use client';
import { RANGES, type RangeName } from '../lib/time-range';

export function TimeRangePicker({ value, onChange }: { value: RangeName; onChange: (r: RangeName) => void }) {
  return (
    <div className="filters" role="group" aria-label="Time range">
      <span className="muted">range</span>
      {(Object.keys(RANGES) as RangeName[]).map((r) => (
        <button key={r} type="button" className="chip" aria-pressed={r === value} onClick={() => onChange(r)}>
          {r}
        </button>
      ))}
    </div>
  );
}
