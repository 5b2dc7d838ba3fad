/**
 * The ordered write queue of a session. Frames with a header block are queued as promises (their
 * compression is asynchronous), and nothing behind one is written before it: the peer must see
 * frames in the order they were made, and header blocks in the order they were compressed.
 */
import type { Duplex } from 'node:stream';

/** A frame, a frame still being made, or the end of the transport. */
export type Outgoing = Buffer | Promise<Buffer> | 'end';

export class Outbox {
  private queue: Outgoing[] = [];
  private pumping = false;
  private stopped = false;

  /** `onError`: making a frame failed; the session cannot continue. */
  constructor(private readonly transport: Duplex, private readonly onError: (e: Error) => void) {}

  push(item: Outgoing): void {
    if (this.stopped) return;
    this.queue.push(item);
    void this.pump();
  }

  /** Drops what is queued and accepts nothing more. */
  stop(): void {
    this.stopped = true;
    this.queue = [];
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const head = this.queue[0];
        let frame: Buffer | 'end';
        if (head instanceof Promise) {
          try {
            frame = await head;
          } catch (e) {
            this.onError(e instanceof Error ? e : new Error(String(e)));
            return;
          }
        } else frame = head as Buffer | 'end';
        if (this.stopped) return;
        void this.queue.shift();
        if (frame === 'end') this.transport.end();
        else if (!this.transport.writableEnded && !this.transport.destroyed) this.transport.write(frame);
      }
    } finally {
      this.pumping = false;
    }
  }
}
