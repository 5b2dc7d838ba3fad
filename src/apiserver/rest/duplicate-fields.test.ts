import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicateJsonFields } from './duplicate-fields.js';

test('duplicate JSON keys are found by path', () => {
  const cases: Array<[string, string[]]> = [
    ['{"a":1,"b":2}', []],
    ['{"metadata":{"name":"x","name":"y"}}', ['metadata.name']],
    ['{"spec":{"containers":[{"name":"a","image":"x","image":"y"}]}}', ['spec.containers[0].image']],
    ['{"a":"x\\"y","a":{}}', ['a']],
    ['{"a":[1,[2,{"k":1,"k":2}]], "e": {}, "s": "}"}', ['a[1][1].k']],
  ];
  for (const [json, want] of cases) {
    JSON.parse(json);
    assert.deepEqual(duplicateJsonFields(json), want, json);
  }
});
