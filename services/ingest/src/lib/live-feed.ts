import type { SamplesAppended } from '@memsight/contracts';

/**
 * Where committed samples go for live dashboards. The socket.io gateway
 * attaches itself; until then, and for instances nobody watches, ingest skips
 * building live payloads at all (they cost CPU on every batch).
 */
export class LiveFeed {
  private sink: { watches: (instanceId: string) => boolean; publish: (payload: SamplesAppended) => void } | undefined;

  attach(sink: NonNullable<LiveFeed['sink']>): void {
    this.sink = sink;
  }

  watches(instanceId: string): boolean {
    return this.sink?.watches(instanceId) ?? false;
  }

  publish(payload: SamplesAppended): void {
    this.sink?.publish(payload);
  }
}
