// view-last-applied -o json re-indents the stored text token by token, as Go's json.Indent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indentJson } from './last-applied.js';

test('indentJson: as json.Indent with two spaces', () => {
  const table: [string, string][] = [
    ['{"a":1,"b":[1,2],"c":{}}\n', '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ],\n  "c": {}\n}\n'],
    ['  {"x":"a\\u0026b, {\\"q\\": 1}","e":[]}', '{\n  "x": "a\\u0026b, {\\"q\\": 1}",\n  "e": []\n}'],
    ['{"n":1.50,"z":[ ]}', '{\n  "n": 1.50,\n  "z": []\n}'],
  ];
  for (const [input, want] of table) assert.equal(indentJson(input, '  '), want);
});
