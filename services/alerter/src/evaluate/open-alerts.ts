// The open (pending or firing) alerts, as the evaluator last wrote them. It is
// the only writer of alert state, so this mirror stays exact between the full
// reloads it does every full round (which also drop alerts deleted with their
// rule or instance).
import { fingerprint, type OpenAlert } from '../queries/list-open-alerts';

export class OpenAlerts {
  private readonly byFingerprint = new Map<string, OpenAlert>();
  private readonly byInstance = new Map<string, Map<string, OpenAlert>>();

  constructor(alerts: OpenAlert[] = []) {
    for (const a of alerts) this.set(a);
  }

  get size(): number {
    return this.byFingerprint.size;
  }

  get(ruleId: string, instanceId: string): OpenAlert | undefined {
    return this.byFingerprint.get(fingerprint(ruleId, instanceId));
  }

  ofInstance(instanceId: string): OpenAlert[] {
    return [...(this.byInstance.get(instanceId)?.values() ?? [])];
  }

  instanceIds(): string[] {
    return [...this.byInstance.keys()];
  }

  set(alert: OpenAlert): void {
    this.byFingerprint.set(fingerprint(alert.ruleId, alert.instanceId), alert);
    let forInstance = this.byInstance.get(alert.instanceId);
    if (!forInstance) this.byInstance.set(alert.instanceId, (forInstance = new Map()));
    forInstance.set(alert.ruleId, alert);
  }

  delete(alert: OpenAlert): void {
    this.byFingerprint.delete(fingerprint(alert.ruleId, alert.instanceId));
    const forInstance = this.byInstance.get(alert.instanceId);
    forInstance?.delete(alert.ruleId);
    if (forInstance?.size === 0) this.byInstance.delete(alert.instanceId);
  }
}
