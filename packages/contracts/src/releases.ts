// Release comparison: an app's memory in the days before a deploy against the
// days after it, from hour rollups. "Which release started the leak?"
import { Type, type Static } from 'typebox';
import { DeployMarker } from './rest';

const IsoTime = Type.String({ format: 'date-time' });
const Figure = (description: string) => Type.Union([Type.Number(), Type.Null()], { description: `${description} null without enough data.` });

export const ReleaseWindow = Type.Object({
  from: IsoTime,
  to: IsoTime,
  /** Instances of the app with data in the window. */
  instances: Type.Integer(),
  hours: Type.Integer({ description: 'Hours with data, over all instances.' }),
  growthBytesPerHour: Figure("The median over instances of the Theil–Sen slope of each one's hourly RSS floor, in bytes/hour."),
  floorBytes: Figure('The median over instances of their lowest heap in the window: V8 heap after GC, pymalloc used bytes, or RSS where neither is reported.'),
  fragmentation: Figure('The mean over instance-hours of the worst allocator fragmentation ratio (glibc, V8, 1 − pymalloc utilisation).'),
  gcPauseFraction: Figure('The mean share of time spent in GC pauses: V8 time fraction, or CPython pause time over elapsed time.'),
});
export type ReleaseWindow = Static<typeof ReleaseWindow>;

export const ReleaseComparison = Type.Object(
  {
    appId: Type.String(),
    deploy: DeployMarker,
    windowDays: Type.Integer(),
    before: ReleaseWindow,
    after: ReleaseWindow,
  },
  { $id: 'ReleaseComparison' },
);
export type ReleaseComparison = Static<typeof ReleaseComparison>;
