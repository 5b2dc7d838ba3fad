import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PassThrough, Writable } from 'node:stream';
import { runKubectl } from './main.js';
import { verbs } from './registry.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

test('kubectl help lists every verb with its summary, padded to the longest name as kubectl pads', async () => {
  const out = capture();
  const err = capture();
  assert.equal(await runKubectl(['help'], { stdin: new PassThrough(), stdout: out.stream, stderr: err.stream }), 0);
  const text = out.text();
  const listed = Object.keys(verbs).filter((n) => !n.startsWith('_'));
  const width = Math.max(...listed.map((n) => n.length));
  for (const name of listed) {
    const summary = (await verbs[name]!.load()).short;
    assert.ok(summary.length > 0, `${name} has a summary`);
    assert.ok(text.includes(`\n  ${name.padEnd(width)}   ${summary}\n`), `${name} is listed with its summary`);
  }
  assert.match(text, /^Basic Commands \(Beginner\):\n {2}create {2,}Create a resource from a file or from stdin$/m);
  assert.doesNotMatch(text, /__complete/);
  assert.equal(err.text(), '');
});
