// A small line of a series with no axes: the shape of an app's memory over
// the last hour. Its label says in words what the line shows.
import { formatBytes } from '../lib/format';
import { sparklinePath } from '../lib/sparkline';

export function Sparkline({ t, v, width = 120, height = 28, label }: { t: number[]; v: number[]; width?: number; height?: number; label: string }) {
  if (t.length === 0) return <span className="muted">no data</span>;
  const words = `${label}: ${formatBytes(v[0])} to ${formatBytes(v.at(-1))}, peak ${formatBytes(Math.max(...v))}`;
  return (
    <svg className="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={words} data-sparkline={t.length}>
      <title>{words}</title>
      {t.length === 1 ? (
        <circle cx={width / 2} cy={height / 2} r={2} fill="#7a3cff" /> // one minute of data: a dot, as a lone path point draws nothing
      ) : (
        <path d={sparklinePath(t, v, width, height)} fill="none" stroke="#7a3cff" strokeWidth={1.5} />
      )}
    </svg>
  );
}
