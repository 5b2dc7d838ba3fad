/**
 * The text sink every describer writes to: kubectl's prefix writer (two spaces per level, terminal
 * escapes neutralised) over a buffer that is tab-aligned at the end, as kubectl's `tabbedString`.
 */
import { alignTabs } from './tabwriter.js';

/** Indentation levels, as kubectl names them. */
export const LEVEL_0 = 0;
export const LEVEL_1 = 1;
export const LEVEL_2 = 2;
export const LEVEL_3 = 3;

/** Writes text at an indentation level. */
export interface PrefixWriter {
  /** Writes `text` after `level` × two spaces (no newline is added). */
  write(level: number, text: string): void;
  /** Writes the words joined by spaces and a newline, unindented (Go's Sprintln). */
  line(...words: string[]): void;
}

// kubectl replaces ESC and CR so object contents cannot drive the user's terminal.
const escapeTerminal = (s: string): string => s.replace(/\x1b/g, '^[').replace(/\r/g, '\\r');

class BufferWriter implements PrefixWriter {
  readonly parts: string[] = [];
  write(level: number, text: string): void {
    this.parts.push(escapeTerminal('  '.repeat(level) + text));
  }
  line(...words: string[]): void {
    this.parts.push(escapeTerminal(`${words.join(' ')}\n`));
  }
}

/** A writer that adds `indent` levels to everything written through it (kubectl's nested writer). */
export function nested(w: PrefixWriter, indent: number): PrefixWriter {
  return {
    write: (level, text) => w.write(level + indent, text),
    line: (...words) => w.write(indent, `${words.join(' ')}\n`),
  };
}

/** Runs `fill` against a fresh writer and returns the tab-aligned text. */
export function tabbed(fill: (w: PrefixWriter) => void): string {
  const w = new BufferWriter();
  fill(w);
  return alignTabs(w.parts.join(''));
}
