// While the demo runs: a line for each alert of a demo app that appears or
// changes state (pending, firing, resolved), read from GET /api/alerts. What
// is already there at the first look (an earlier run's alerts) is counted once.
import { AlertList } from '@memsight/contracts';
import type { MemsightApi } from './memsight-api';

export class AlertWatcher {
  private readonly states = new Map<string, string>();
  private unavailable = false;
  private first = true;

  constructor(
    private readonly api: MemsightApi,
    private readonly appNames: ReadonlySet<string>,
    private readonly log: (line: string) => void,
  ) {}

  /** One look at the alerts; quiet for good when the stack has no alerts API. */
  async poll(): Promise<void> {
    if (this.unavailable) return;
    const answer = await this.api.get('/api/alerts?limit=500', AlertList); // newest first
    if (!answer.ok) {
      if (answer.status === 404) this.unavailable = true;
      return;
    }
    const ours = answer.body.alerts.filter((a) => this.appNames.has(a.appName));
    if (this.first) {
      this.first = false;
      for (const alert of ours) this.states.set(alert.id, alert.state);
      const open = ours.filter((a) => a.state !== 'resolved').length;
      if (open) this.log(`${open} alerts of demo apps are still open from an earlier run (GET /api/alerts lists them); new ones follow.`);
      return;
    }
    for (const alert of ours) {
      if (this.states.get(alert.id) === alert.state) continue;
      this.states.set(alert.id, alert.state);
      this.log(`alert ${alert.state}: ${alert.appName} ${alert.kind} (${alert.ruleName}): ${alert.summary}`);
    }
  }
}
