import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TabWriter, tabbed } from './tabwriter.js';

// Expected texts are what kubectl 1.32 printed for the same cells.
const cases: Array<{ name: string; input: string; want: string }> = [
  {
    name: 'auth whoami: two columns, the last not tab-terminated',
    input: 'ATTRIBUTE\tVALUE\nUsername\tkubernetes-admin\nGroups\t[system:masters system:authenticated]\n',
    want: 'ATTRIBUTE   VALUE\nUsername    kubernetes-admin\nGroups      [system:masters system:authenticated]\n',
  },
  {
    name: 'auth can-i --list: empty first cell still padded',
    input: 'Resources\tNon-Resource URLs\tResource Names\tVerbs\n*.*\t[]\t[]\t[*]\n\t[*]\t[]\t[*]\n',
    want: 'Resources   Non-Resource URLs   Resource Names   Verbs\n*.*         []                  []               [*]\n            [*]                 []               [*]\n',
  },
  {
    name: 'top: every cell tab-terminated, so lines keep trailing padding',
    input: 'NAME\tCPU(cores)\tMEMORY(bytes)\t\nab\t5m\t12Mi\t\n',
    want: 'NAME   CPU(cores)   MEMORY(bytes)   \nab     5m           12Mi            \n',
  },
  {
    name: 'minimum width 6 for short columns',
    input: 'a\tb\nc\td\n',
    want: 'a     b\nc     d\n',
  },
  {
    name: 'a line without tabs ends the column block',
    input: 'long-name\tx\nplain\nab\tcd\n',
    // Widths are remembered across the flush a tab-less line causes, as with RememberWidths.
    want: 'long-name   x\nplain\nab          cd\n',
  },
  {
    name: 'a line with fewer cells ends the block of the columns it lacks',
    input: 'a\tbbbbbbbbbb\tc\na\td\nx\tyy\tz\n',
    // The third line starts a new block for column 1, yet takes the remembered width.
    want: 'a     bbbbbbbbbb   c\na     d\nx     yy           z\n',
  },
  {
    name: 'width counts runes, not UTF-16 units',
    input: 'é😀\tx\nab\ty\n',
    want: 'é😀    x\nab    y\n',
  },
];

for (const c of cases) {
  test(`tabwriter: ${c.name}`, () => {
    assert.equal(tabbed(c.input), c.want);
  });
}

test('tabwriter: text written in pieces aligns as one write', () => {
  const w = new TabWriter();
  for (const piece of ['NA', 'ME\tCP', 'U\t', '\nab', '\t5m\t\n']) w.write(piece);
  assert.equal(w.flush(), tabbed('NAME\tCPU\t\nab\t5m\t\n'));
});

test('tabwriter: an unfinished last line is written without a newline', () => {
  assert.equal(tabbed('a\tb\nccc\tdd'), 'a     b\nccc   dd');
});
