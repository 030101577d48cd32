// One write, one round trip: a simple-protocol query whose statements end in
// `COPY ... FROM STDIN`, sent together with the COPY data and CopyDone.
//
// Why: the ingest profile showed half of the main thread's busy time in
// socket writes to Postgres. A group commit through `pg` and pg-copy-streams
// made four round trips (BEGIN+keys, COPY start, COPY data, COMMIT) and about
// fifteen writes, each waking a backend on a 2-core machine. The protocol
// allows the data to follow the Query message at once: if a statement fails
// before or during the COPY, the backend drops the rest of the query string
// and ignores the CopyData/CopyDone it then reads ("any subsequent CopyData,
// CopyDone, or CopyFail messages issued by the frontend will simply be
// dropped", protocol-flow.html#PROTOCOL-COPY). The statements after the COPY
// in the same string (here COMMIT) run once the COPY has ended.
//
// This is a `pg` "submittable": Client#query calls submit() when the
// connection is free and routes the backend's answers to the handle* methods.
import type pg from 'pg';

const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]); // 'c', length 4

export class PipelinedCopy implements pg.Submittable {
  private readonly tags: string[] = [];

  constructor(
    private readonly text: string,
    private readonly chunks: Buffer[],
    private readonly done: (err: Error | undefined, tags: string[]) => void,
  ) {}

  submit(connection: pg.Connection): void {
    // `Connection` exposes its socket as `stream`; cork so that the query,
    // every CopyData frame and CopyDone leave in one writev.
    const stream = (connection as unknown as { stream: NodeJS.WritableStream & { cork(): void; uncork(): void } }).stream;
    stream.cork();
    connection.query(this.text);
    for (const chunk of this.chunks) {
      const head = Buffer.allocUnsafe(5);
      head[0] = 0x64; // 'd'
      head.writeUInt32BE(chunk.length + 4, 1);
      stream.write(head);
      stream.write(chunk);
    }
    stream.write(COPY_DONE);
    stream.uncork();
  }

  // `pg` replaces this with its timeout wrapper when query_timeout is set.
  callback(): void {}

  handleCommandComplete(msg: { text: string }): void {
    this.tags.push(msg.text);
  }
  // On an error `pg` forgets this query at once (its ReadyForQuery is not
  // routed here), so settle now; a ROLLBACK queued next is sent after it.
  handleError(err: Error): void {
    this.callback();
    this.done(err, this.tags);
  }
  handleReadyForQuery(): void {
    this.callback();
    this.done(undefined, this.tags);
  }
  // The data went out with the query; nothing to do when the backend asks for it.
  handleCopyInResponse(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs `text` (ending in COPY FROM STDIN, optionally followed by more statements) with `chunks` as its data. */
export function pipelinedCopy(client: pg.ClientBase, text: string, chunks: Buffer[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    client.query(new PipelinedCopy(text, chunks, (err, tags) => (err ? reject(err) : resolve(tags))));
  });
}
