// `kubectl patch -p`: JSON passes as written, YAML becomes JSON, bad YAML is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patchToJson } from './patch.js';

test('patchToJson: apimachinery yaml.ToJSON behaviour', () => {
  const table: [string, string][] = [
    ['{"spec":{"replicas":3}}', '{"spec":{"replicas":3}}'],
    ['  {bad', '  {bad'],
    ['spec: {replicas: 3}', '{"spec":{"replicas":3}}'],
    ['[{"op":"remove","path":"/a"}]', '[{"op":"remove","path":"/a"}]'],
    // YAML 1.1, as kubectl reads it (seen with kubectl 1.32 --local): on/n are booleans, 0777 is octal.
    ['metadata:\n  labels:\n    on: yes\n    n: 0777\n    x: 1_000', '{"metadata":{"labels":{"false":511,"true":true,"x":1000}}}'],
  ];
  for (const [input, want] of table) assert.equal(patchToJson(input), want);
  assert.throws(() => patchToJson('a: ['), /unable to parse "a: \[": yaml: /);
});
