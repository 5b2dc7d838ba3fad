import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignTabs } from './tabwriter.js';

const cases: { name: string; input: string; want: string }[] = [
  {
    name: 'a column is as wide as its widest cell plus two',
    input: 'Name:\tweb\nNamespace:\tdefault\n',
    want: 'Name:       web\nNamespace:  default\n',
  },
  {
    name: 'a line without a tab ends the table; what follows aligns on its own',
    input: 'Name:\tweb\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/web\n',
    want: 'Name:  web\nIPs:\n  IP:           10.0.0.1\nControlled By:  ReplicaSet/web\n',
  },
  {
    name: 'the text after the last tab is not a column',
    input: 'a\tshort\nbb\ta much longer trailing text\n',
    want: 'a   short\nbb  a much longer trailing text\n',
  },
  {
    name: 'inner columns align only within the block of their outer column',
    input: 'x\ty\tz\nxx\tyyyy\tz\nxxx\tlast\nq\tr\ts\n',
    want: 'x    y     z\nxx   yyyy  z\nxxx  last\nq    r  s\n',
  },
  {
    name: 'empty cells are padded like the others (the node pod table has one)',
    input: '  NS\tName\t\tCPU\n  default\tweb-1\t\t0\n',
    want: '  NS       Name     CPU\n  default  web-1    0\n',
  },
  {
    name: 'widths count runes, not bytes',
    input: 'é\tx\nab\ty\n',
    want: 'é   x\nab  y\n',
  },
  {
    name: 'a trailing space in a cell counts (Conditions tables end cells with one)',
    input: 'Conditions:\n  Type\tStatus\n  Ready \tTrue \n',
    want: 'Conditions:\n  Type    Status\n  Ready   True \n',
  },
  {
    name: 'text without a final newline is kept as is',
    input: 'a\tb\nccc\td',
    want: 'a    b\nccc  d',
  },
];

for (const c of cases) {
  test(`alignTabs: ${c.name}`, () => assert.equal(alignTabs(c.input), c.want));
}
