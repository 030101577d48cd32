// The end-to-end tests' processes live in scripts/lib/proc.ts, shared with the other suites that run real services.
export * from '../../../scripts/lib/proc';
