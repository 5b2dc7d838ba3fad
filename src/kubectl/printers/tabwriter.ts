/**
 * Go's tabwriter as kubectl configures it (`printers.GetNewTabWriter`: minwidth 6, padding 3,
 * space padding, RememberWidths): tab-terminated cells become left-aligned columns whose width is
 * the widest cell in the run of adjacent lines that have that column, plus the padding. The text
 * after a line's last tab is not part of any column, so a line ending in `\t` keeps its padding
 * (kubectl top prints trailing spaces this way). Verbs that print with `fmt.Fprintf(w, "a\tb\n")`
 * in kubectl write the same text here and get the same bytes.
 */

interface Cell {
  text: string;
  /** Width in runes (Go counts utf8 runes, not bytes or UTF-16 units). */
  width: number;
}

/** Options; the defaults are kubectl's. */
export interface TabWriterOptions {
  minWidth?: number;
  padding?: number;
}

const runeCount = (s: string): number => [...s].length;

/** Buffers tabbed text and returns it aligned on {@link TabWriter.flush}. */
export class TabWriter {
  readonly #minWidth: number;
  readonly #padding: number;
  /** Finished lines since the last flush; a line's last cell is not tab-terminated. */
  #lines: Cell[][] = [];
  /** Cells of the line being written, and the text of the cell being written. */
  #line: Cell[] = [];
  #cell = '';
  /** Per-column widths remembered across flushes (liggitt/tabwriter's RememberWidths). */
  readonly #remembered: number[] = [];
  /** Column widths of the enclosing blocks while formatting. */
  readonly #widths: number[] = [];
  #out = '';

  constructor(o: TabWriterOptions = {}) {
    this.#minWidth = o.minWidth ?? 6;
    this.#padding = o.padding ?? 3;
  }

  /** Adds text; `\t` ends a cell, `\n` ends a line. */
  write(text: string): this {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\t' && ch !== '\n') continue;
      this.#endCell(text.slice(start, i));
      start = i + 1;
      if (ch === '\n') {
        const line = this.#line;
        this.#lines.push(line);
        this.#line = [];
        // A line without tabs cannot influence later columns: Go flushes here, and only the
        // remembered widths carry over.
        if (line.length === 1) this.#format(this.#lines.length);
      }
    }
    this.#cell += text.slice(start);
    return this;
  }

  /** Returns the aligned text written since the last flush; an unfinished last line ends without a newline. */
  flush(): string {
    const partial = this.#cell !== '' || this.#line.length > 0;
    if (this.#cell !== '') this.#endCell('');
    if (partial) this.#lines.push(this.#line);
    this.#line = [];
    this.#format(partial ? this.#lines.length - 1 : this.#lines.length);
    const out = this.#out;
    this.#out = '';
    return out;
  }

  #endCell(rest: string): void {
    const text = this.#cell + rest;
    this.#line.push({ text, width: runeCount(text) });
    this.#cell = '';
  }

  /** Writes out the buffered lines; those from `newlines` on get no newline (the unfinished one). */
  #format(newlines: number): void {
    this.#formatBlock(0, this.#lines.length, newlines);
    this.#lines = [];
  }

  /** Lays out lines [line0, line1) given the widths of the columns to the left. */
  #formatBlock(line0: number, line1: number, newlines: number): void {
    const column = this.#widths.length;
    let from = line0;
    for (let at = line0; at < line1; at++) {
      if (column >= (this.#lines[at]?.length ?? 0) - 1) continue;
      // A run of lines that all have a cell in this column starts here.
      this.#emit(from, at, newlines);
      from = at;
      let width = this.#minWidth;
      for (; at < line1; at++) {
        const line = this.#lines[at] ?? [];
        if (column >= line.length - 1) break;
        width = Math.max(width, (line[column]?.width ?? 0) + this.#padding);
      }
      const remembered = this.#remembered[column];
      if (remembered === undefined || remembered < width) this.#remembered[column] = width;
      else width = remembered;
      this.#widths.push(width);
      this.#formatBlock(from, at, newlines);
      this.#widths.pop();
      from = at;
    }
    this.#emit(from, line1, newlines);
  }

  #emit(line0: number, line1: number, newlines: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.#lines[i] ?? [];
      line.forEach((cell, j) => {
        this.#out += cell.text;
        const w = this.#widths[j];
        if (w !== undefined) this.#out += ' '.repeat(Math.max(0, w - cell.width));
      });
      if (i < newlines) this.#out += '\n';
    }
  }
}

/** Aligns `text` (cells separated by tabs, lines by newlines) as kubectl's tab writer does. */
export function tabbed(text: string, o?: TabWriterOptions): string {
  return new TabWriter(o).write(text).flush();
}
