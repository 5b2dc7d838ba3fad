// Golden cross-check against the real kubectl: testdata/<name>.pb is the protobuf body kubectl 1.32
// sent for a command, testdata/<name>.json the JSON body kubectl 1.31 sent for the same command
// (both captured by scripts/capture-kubectl-proto.ts against testing/kubectl-stub.ts). Decoding
// the first must give exactly the second. When kubectl 1.32 is installed, it is also run live
// and must still send the fixture bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../spec-path.js';
import { PROTOBUF_CONTENT_TYPE, decode, encode } from '../protobuf.js';
import { GOLDEN_COMMANDS, captureKubectl, findKubectl } from './testing/kubectl-stub.js';

interface Capture {
  name: string;
  kubectl132: { method: string; path: string; contentType: string };
  kubectl131: { contentType: string };
}

const testdata = join(packageRoot(), 'src', 'api', 'proto', 'testdata');
const captures = JSON.parse(readFileSync(join(testdata, 'captures.json'), 'utf8')) as Capture[];

test('the fixtures cover every golden command', () => {
  assert.deepEqual(
    captures.map((c) => c.name),
    GOLDEN_COMMANDS.map((c) => c.name),
  );
});

for (const capture of captures) {
  test(`kubectl 1.32 protobuf body decodes to kubectl 1.31 JSON body: ${capture.name}`, () => {
    assert.equal(capture.kubectl132.contentType, PROTOBUF_CONTENT_TYPE);
    assert.equal(capture.kubectl131.contentType, 'application/json');
    const pb = readFileSync(join(testdata, `${capture.name}.pb`));
    const json = JSON.parse(readFileSync(join(testdata, `${capture.name}.json`), 'utf8')) as Record<string, unknown>;
    const decoded = decode(pb);
    assert.deepStrictEqual(decoded, json);
    // And our own encoding of that object reads back the same.
    assert.deepStrictEqual(decode(encode(json)), json);
  });
}

const kubectl132 = findKubectl('32');
test('live: kubectl 1.32 still sends the fixture bytes', { skip: kubectl132 === undefined ? 'no kubectl installed' : false }, async () => {
  assert.ok(kubectl132 !== undefined);
  const live = await captureKubectl(kubectl132, GOLDEN_COMMANDS, '32');
  for (const capture of captures) {
    const sent = live.get(capture.name) ?? [];
    assert.equal(sent.length, 1, `${capture.name}: one write`);
    const [request] = sent;
    assert.equal(request?.contentType, PROTOBUF_CONTENT_TYPE, capture.name);
    assert.equal(request?.path, capture.kubectl132.path, capture.name);
    assert.equal(request?.body.toString('hex'), readFileSync(join(testdata, `${capture.name}.pb`)).toString('hex'), capture.name);
  }
});
