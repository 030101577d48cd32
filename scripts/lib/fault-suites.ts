// Suites that belong to `npm run test:faults`, not to a plain `npm test`:
// the alerter's end-to-end suite is fault 5 (the alerter killed while an
// alert fires, SMTP down for 60 s). It takes about 2.5 minutes of real
// processes, and CI ran it twice when both commands found it. `npm test`
// still runs it when asked by a path filter that names it (`npm test -- alerter`).
export const FAULT_SUITES = ['services/alerter/e2e/alerting.test.ts'];
