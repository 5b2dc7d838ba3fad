/**
 * Column alignment as Go's `text/tabwriter` does it with the settings kubectl's describers use
 * (minwidth 0, padding 2, pad with spaces, no flags). Describe output is byte-compared with the real
 * kubectl, so the rules that matter are reproduced exactly:
 * - a cell is text ended by a tab; the text after a line's last tab is not part of any column;
 * - tab-ended cells in consecutive lines form a column, as wide as its widest cell (in runes) plus 2;
 *   a line with fewer cells ends the column block, and inner columns align only within the
 *   block of their outer column;
 * - a line without any tab ends the whole table (Go flushes there), so what follows aligns anew.
 */

const PADDING = 2;

/** Rune count, as Go measures cell widths (not UTF-16 units, not bytes). */
function runeWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Aligns `text` (lines of tab-separated cells) the way Go's tabwriter would write it. */
export function alignTabs(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let table: string[][] = [];
  const flush = (): void => {
    if (table.length > 0) out.push(...alignBlock(table));
    table = [];
  };
  lines.forEach((line, i) => {
    const cells = line.split('\t');
    table.push(cells);
    // Go flushes after a one-cell line; the last (unterminated) line is flushed at the end.
    if (cells.length === 1 && i < lines.length - 1) flush();
  });
  flush();
  return out.join('\n');
}

/** Aligns one table (lines split into cells, the last cell of each line free). */
function alignBlock(lines: string[][]): string[] {
  const widths: number[][] = lines.map(() => []);
  layout(lines, widths, 0, lines.length, 0);
  return lines.map((cells, i) =>
    cells
      .map((cell, j) => {
        const w = widths[i]?.[j];
        return w === undefined ? cell : cell + ' '.repeat(w - runeWidth(cell));
      })
      .join(''),
  );
}

/** Decides the width of column `col` for each run of lines in [from, to) that has a cell there. */
function layout(lines: string[][], widths: number[][], from: number, to: number, col: number): void {
  let i = from;
  while (i < to) {
    if (col >= (lines[i]?.length ?? 0) - 1) {
      i++;
      continue;
    }
    const start = i;
    let width = 0;
    for (; i < to && col < (lines[i]?.length ?? 0) - 1; i++) width = Math.max(width, runeWidth(lines[i]?.[col] ?? '') + PADDING);
    for (let k = start; k < i; k++) widths[k]![col] = width;
    layout(lines, widths, start, i, col + 1);
  }
}
