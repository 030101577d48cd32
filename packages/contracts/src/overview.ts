// The overview page (GET /api/overview): every app with its last hour at a
// glance, and the instances most likely to run out of memory.
import { Type, type Static } from 'typebox';
import { AppSummary } from './rest';

const IsoTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** Parallel arrays, the layout uPlot draws without copying. */
export const Sparkline = Type.Object(
  {
    t: Type.Array(Type.Number(), { description: 'Bucket starts, unix ms, oldest first.' }),
    v: Type.Array(Type.Number()),
  },
  { description: 'One point per minute that has data; minutes without samples are left out, not zero.' },
);
export type Sparkline = Static<typeof Sparkline>;

export const AppOverview = Type.Object({
  ...AppSummary.properties,
  rss: Type.Object(Sparkline.properties, {
    description: "The last hour in 1-minute buckets: per bucket, the sum over the app's instances of each one's average process.memory.rss.",
  }),
  worstGrowth: Nullable(
    Type.Object(
      { instanceId: Type.String(), bytesPerHour: Type.Number() },
      { description: 'The fastest-growing instance among those with an open (pending or firing) leak alert.' },
    ),
  ),
  worstFragmentation: Nullable(
    Type.Object(
      { instanceId: Type.String(), ratio: Type.Number() },
      { description: "The instance whose newest sample of the last hour reports the worst allocator fragmentation ratio." },
    ),
  ),
  openAlerts: Type.Integer({ description: "Pending and firing alerts of the app's instances." }),
});
export type AppOverview = Static<typeof AppOverview>;

export const LeakSuspect = Type.Object({
  instanceId: Type.String(),
  appId: Type.String(),
  appName: Type.String(),
  host: Type.String(),
  pid: Type.Integer(),
  worker: Nullable(Type.String()),
  runtime: Type.String(),
  growthBytesPerHour: Nullable(Type.Number({ description: "The open leak alert's rate, else the time-to-limit evidence's floor rate." })),
  secondsToLimit: Nullable(Type.Number({ description: 'From now to forecastAt (0 once it has passed); null: no forecast.' })),
  limitBytes: Nullable(Type.Number()),
  limitName: Nullable(Type.String()),
  forecastAt: Nullable(IsoTime),
  growthStartedAt: IsoTime,
  rssBytes: Nullable(Type.Number({ description: 'The newest sample of the last hour.' })),
  state: Type.Union([Type.Literal('pending'), Type.Literal('firing')], { description: 'firing if any of its alerts fires.' }),
  alertIds: Type.Array(Type.String(), { description: 'Its open leak and time-to-limit alerts, oldest first.' }),
});
export type LeakSuspect = Static<typeof LeakSuspect>;

export const Overview = Type.Object(
  {
    apps: Type.Array(AppOverview),
    suspects: Type.Array(LeakSuspect, {
      maxItems: 20,
      description: 'Instances with an open leak or time-to-limit alert: the soonest to reach a limit first (no forecast last), then the fastest growing.',
    }),
  },
  { $id: 'Overview' },
);
export type Overview = Static<typeof Overview>;
