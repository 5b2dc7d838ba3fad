// YAML as kubectl 1.32 prints it (sigs.k8s.io/yaml over go-yaml v2). The expected text is what
// `kubectl create --dry-run=client -o yaml -f` printed for this object, which holds the cases where
// go-yaml quotes, folds, or picks a block style.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toYaml, yamlKeyOrder } from './yaml.js';

// The object as JSON (the order of its keys is irrelevant: the output sorts them).
const obj: Record<string, unknown> = {
  "apiVersion": "example.com/v1",
  "kind": "Thing",
  "metadata": {
    "name": "yfx",
    "labels": {
      "item10": "a",
      "item2": "b",
      "Zed": "c",
      "a.b/c": "d",
      "x01": "e",
      "x1": "f"
    },
    "namespace": "default"
  },
  "spec": {
    "quoted": [
      "true",
      "123",
      "1.5",
      "",
      "null",
      "~",
      "y",
      "No",
      "2024-01-01",
      "2024-01-01T10:00:00Z",
      "0x1F",
      "1_000",
      "+1",
      "1e3",
      ".5",
      "1:30",
      "- x",
      "a: b",
      "a #b",
      "*x",
      "&x",
      "{a}",
      "[a]",
      "'q'",
      "\"dq\"",
      " lead",
      "trail ",
      "say \"hi\"",
      "it's",
      "tab\there",
      "héllo",
      "😀",
      "ctrl\u0001",
      "<a>&"
    ],
    "plain": [
      "-x",
      "a,b",
      "?x",
      "x:y",
      "a#b",
      "..."
    ],
    "blocks": {
      "clip": "line1\nline2\n",
      "strip": "line1\nline2",
      "keep": "line1\n\n",
      "indented": "  indented\nx",
      "spacebreak": "trail \nx"
    },
    "long": {
      "words": "this is a rather long annotation value with many words in it so that the yaml emitter has to wrap it somewhere past eighty columns ok",
      "single": "* this is a rather long annotation value with many words in it so that the yaml emitter has to wrap it: somewhere past eighty columns",
      "double": "tab\there and a long long long long long long long long long long long long long long long long line",
      "nospace": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    },
    "nel": "ab",
    "ls": "a b",
    "nums": [
      1,
      -3,
      2.5,
      1e+21,
      1e-7,
      1234567.5,
      0.1,
      12345678901234,
      null,
      true,
      false
    ],
    "nested": [
      [
        1,
        [
          2,
          []
        ]
      ],
      [
        {
          "a": 1,
          "b": []
        },
        {}
      ],
      {
        "k": [
          {
            "x": "y"
          }
        ]
      }
    ],
    "empty": {
      "m": {},
      "l": []
    },
    "multi\nkey": "v"
  }
};

const want = [
  "apiVersion: example.com/v1",
  "kind: Thing",
  "metadata:",
  "  labels:",
  "    Zed: c",
  "    a.b/c: d",
  "    item2: b",
  "    item10: a",
  "    x1: f",
  "    x01: e",
  "  name: yfx",
  "  namespace: default",
  "spec:",
  "  blocks:",
  "    clip: |",
  "      line1",
  "      line2",
  "    indented: |2-",
  "        indented",
  "      x",
  "    keep: |+",
  "      line1",
  "",
  "    spacebreak: \"trail \\nx\"",
  "    strip: |-",
  "      line1",
  "      line2",
  "  empty:",
  "    l: []",
  "    m: {}",
  "  long:",
  "    double: \"tab\\there and a long long long long long long long long long long long",
  "      long long long long long line\"",
  "    nospace: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "    single: '* this is a rather long annotation value with many words in it so that",
  "      the yaml emitter has to wrap it: somewhere past eighty columns'",
  "    words: this is a rather long annotation value with many words in it so that the",
  "      yaml emitter has to wrap it somewhere past eighty columns ok",
  "  ls: 'a     b'",
  "  ? |-",
  "    multi",
  "    key",
  "  : v",
  "  nel: a b",
  "  nested:",
  "  - - 1",
  "    - - 2",
  "      - []",
  "  - - a: 1",
  "      b: []",
  "    - {}",
  "  - k:",
  "    - x: \"y\"",
  "  nums:",
  "  - 1",
  "  - -3",
  "  - 2.5",
  "  - 1e+21",
  "  - 1e-07",
  "  - 1.2345675e+06",
  "  - 0.1",
  "  - 12345678901234",
  "  - null",
  "  - true",
  "  - false",
  "  plain:",
  "  - -x",
  "  - a,b",
  "  - ?x",
  "  - x:y",
  "  - a#b",
  "  - '...'",
  "  quoted:",
  "  - \"true\"",
  "  - \"123\"",
  "  - \"1.5\"",
  "  - \"\"",
  "  - \"null\"",
  "  - \"~\"",
  "  - \"y\"",
  "  - \"No\"",
  "  - \"2024-01-01\"",
  "  - \"2024-01-01T10:00:00Z\"",
  "  - \"0x1F\"",
  "  - \"1_000\"",
  "  - \"+1\"",
  "  - \"1e3\"",
  "  - \".5\"",
  "  - \"1:30\"",
  "  - '- x'",
  "  - 'a: b'",
  "  - 'a #b'",
  "  - '*x'",
  "  - '&x'",
  "  - '{a}'",
  "  - '[a]'",
  "  - '''q'''",
  "  - '\"dq\"'",
  "  - ' lead'",
  "  - 'trail '",
  "  - say \"hi\"",
  "  - it's",
  "  - \"tab\\there\"",
  "  - héllo",
  "  - \"\\U0001F600\"",
  "  - \"ctrl\\x01\"",
  "  - <a>&",
];

test('an object prints byte for byte as kubectl prints it', () => {
  assert.equal(toYaml(obj), want.map((l) => `${l}\n`).join(''));
});

test('keys sort as go-yaml sorts them: digit runs by value, non-letters first', () => {
  assert.deepEqual(yamlKeyOrder({ item10: 1, item2: 1, Zed: 1, 'a.b': 1, x01: 1, x1: 1, '': 1, '1': 1 }), ['', '1', 'Zed', 'a.b', 'item2', 'item10', 'x1', 'x01']);
});

test('a document is a mapping ending in a newline; empty collections are flow style', () => {
  assert.equal(toYaml({}), '{}\n');
  assert.equal(toYaml({ a: [], b: {}, c: [[]] }), 'a: []\nb: {}\nc:\n- []\n');
});
