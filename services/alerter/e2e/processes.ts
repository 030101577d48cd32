// The end-to-end tests' processes live in scripts/lib/proc.ts, shared with the other suites that run real services.
export * from '../../../scripts/lib/proc';

/**
 * The e2e leak rules look at 1/30 of the defaults' window and span (240 s, 30 s); the rate floor scales with them
 * (the default 2 MiB/h → 60 MiB/h), or a 30 s span would pass on the few KB malloc's figure drifts in a healthy process.
 * The leaking apps grow at GB/h.
 */
export const E2E_LEAK_RATE_FLOOR = 30 * 2 * 2 ** 20;
