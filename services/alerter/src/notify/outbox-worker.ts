// Drains the outbox: groups pending transitions into notifications, then sends
// each due one by SMTP (or keeps it in the mailbox when no SMTP server is
// configured), retrying with exponential backoff while the server is down.
//
// The one duplicate this cannot rule out: the SMTP server accepted a message
// (250 OK) and the alerter died before its `markSent` committed. The next
// leader sends it again with the same Message-ID, which mail systems use to
// drop the copy. Everything else is exactly once per transition and channel.
import type { Logger } from 'pino';
import type pg from 'pg';
import { dispatchNotifications } from '../queries/dispatch-notifications';
import { deliverToMailbox, dueNotifications, markFailedTry, markSent, type DueNotification } from '../queries/outbox';
import { renderEmail } from './render/index';
import type { MailTransport } from './smtp-transport';

export interface OutboxOptions {
  leader: <T>(fn: (session: pg.ClientBase) => Promise<T>) => Promise<T>;
  transport: MailTransport | undefined;
  log: Logger;
  now: () => number;
  groupWaitSeconds: number;
  repeatIntervalSeconds: number;
  dashboardUrl: string;
  retryMaxSeconds: number;
  /** After this many tries an email is given up (marked failed). */
  maxAttempts?: number;
}

const RETRY_BASE_SECONDS = 2;

/** Seconds before try `attempts + 1`: 2, 4, 8… capped, with ±20 % jitter so a fleet of emails does not retry in step. */
export function retryDelaySeconds(attempts: number, maxSeconds: number, random = Math.random): number {
  const base = Math.min(maxSeconds, RETRY_BASE_SECONDS * 2 ** Math.min(attempts, 20));
  return base * (0.8 + 0.4 * random());
}

export class OutboxWorker {
  sent = 0;
  failedTries = 0;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly o: OutboxOptions) {}

  /** Runs a pass now (or right after the one in progress). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err) => this.o.log.error({ err }, 'outbox pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pass(): Promise<void> {
    const o = this.o;
    await o.leader((s) =>
      dispatchNotifications(s, {
        nowMs: o.now(), groupWaitMs: o.groupWaitSeconds * 1000, repeatIntervalMs: o.repeatIntervalSeconds * 1000, dashboardUrl: o.dashboardUrl,
      }),
    );
    const due = await o.leader((s) => dueNotifications(s, o.now(), 20));
    for (const n of due) await this.deliver(n);
  }

  private async deliver(n: DueNotification): Promise<void> {
    const o = this.o;
    let email;
    try {
      email = renderEmail(n.content);
    } catch (err) {
      // A payload that cannot be rendered never will be: give it up rather than block the outbox.
      o.log.error({ err, notification: n.id }, 'email could not be rendered; given up');
      await o.leader((s) => markFailedTry(s, n.id, `render: ${(err as Error).message}`, o.now(), true));
      return;
    }
    if (!o.transport) {
      await o.leader((s) => deliverToMailbox(s, n, email, o.now()));
      this.sent++;
      return;
    }
    try {
      await o.transport.send({ to: n.to, messageId: n.messageId, email });
    } catch (err) {
      this.failedTries++;
      const giveUp = n.attempts + 1 >= (o.maxAttempts ?? 200);
      const retryAt = o.now() + retryDelaySeconds(n.attempts, o.retryMaxSeconds) * 1000;
      o.log.warn({ notification: n.id, attempts: n.attempts + 1, err: (err as Error).message }, giveUp ? 'email given up' : 'email not sent; will retry');
      await o.leader((s) => markFailedTry(s, n.id, (err as Error).message, retryAt, giveUp));
      return;
    }
    // ← the window: accepted by the SMTP server, not yet recorded. A crash here resends with the same Message-ID.
    await o.leader((s) => markSent(s, n.id, o.now()));
    this.sent++;
  }
}
