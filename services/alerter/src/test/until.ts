// Shared with the suites outside the alerter: scripts/lib/until.ts.
export { until } from '../../../../scripts/lib/until';
