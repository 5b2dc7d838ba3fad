/**
 * The local terminal during exec/attach, as kubectl's `SetupTTY` and `term.TTY` handle it: a TTY is
 * used only with stdin and only when stdin is a terminal; then the terminal goes into raw mode (keys,
 * Ctrl-C included, go to the container) and is always put back, even when a signal ends us. The
 * sizes of stdout's terminal go to the resize channel, first at once and then on every SIGWINCH.
 */
import type { Writable } from 'node:stream';
import type { Streams } from '../types.js';
import type { TerminalSize } from './remotecommand.js';

/** The terminal state of one session. */
export interface TtySession {
  /** Whether the session asks the server for a TTY. */
  tty: boolean;
  /** Sizes for the resize channel (only when raw and stdout is a terminal). */
  sizes?: AsyncIterable<TerminalSize>;
  /** Puts the terminal back and stops watching its size; safe to call more than once. */
  restore(): void;
}

/** What the session asks for. */
export interface TtyRequest {
  stdin: boolean;
  tty: boolean;
  quiet?: boolean;
  /** Where "Unable to use a TTY" goes (kubectl's ErrOut). */
  err?: Writable;
  /**
   * Sizes sent before the current one (attach sends the size plus one first, so that a re-attached
   * program redraws). Default: just the current size.
   */
  initial?: (size: TerminalSize) => TerminalSize[];
}

/** The size of stdout's terminal, or undefined when stdout is not a terminal. */
export function terminalSize(out: Streams['stdout']): TerminalSize | undefined {
  if (!out.isTTY || !out.columns || !out.rows) return undefined;
  return { width: out.columns, height: out.rows };
}

/** A queue of sizes that ends when closed. */
class SizeQueue implements AsyncIterable<TerminalSize> {
  private items: TerminalSize[] = [];
  private waiter: (() => void) | undefined;
  private closed = false;
  push(s: TerminalSize): void {
    this.items.push(s);
    this.waiter?.();
  }
  close(): void {
    this.closed = true;
    this.waiter?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<TerminalSize> {
    for (;;) {
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((r) => (this.waiter = r));
      this.waiter = undefined;
    }
  }
}

const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/** Decides on a TTY and, when one is used on a terminal, switches it to raw mode. */
export function setupTty(streams: Streams, req: TtyRequest): TtySession {
  const none: TtySession = { tty: false, restore: () => undefined };
  if (!req.stdin || !req.tty) return none;
  const input = streams.stdin;
  if (!input.isTTY || typeof input.setRawMode !== 'function') {
    if (!req.quiet) req.err?.write('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    return none;
  }
  input.setRawMode(true);
  let restored = false;
  const queue = new SizeQueue();
  const onResize = () => {
    const s = terminalSize(streams.stdout);
    if (s) queue.push(s);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    restore();
    // Die of the signal as we would have without the handler.
    process.kill(process.pid, sig);
  };
  const restore = () => {
    if (restored) return;
    restored = true;
    streams.stdout.off('resize', onResize);
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off('exit', restore);
    queue.close();
    input.setRawMode?.(false);
  };
  for (const s of SIGNALS) process.once(s, onSignal);
  process.once('exit', restore);
  const size = terminalSize(streams.stdout);
  if (!size) return { tty: true, restore };
  for (const s of req.initial ? req.initial(size) : [size]) queue.push(s);
  streams.stdout.on('resize', onResize);
  return { tty: true, sizes: queue, restore };
}
