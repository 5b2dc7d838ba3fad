import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { CliError } from '../errors.js';
import { diffCommand, runDiffProgram } from './program.js';

test('diffCommand: default diff, or KUBECTL_EXTERNAL_DIFF with its safe arguments after the directories', () => {
  const cases = [
    { env: undefined, want: { program: 'diff', args: ['-u', '-N', 'A', 'B'] } },
    { env: '', want: { program: 'diff', args: ['-u', '-N', 'A', 'B'] } },
    { env: 'colordiff -N -u', want: { program: 'colordiff', args: ['A', 'B', '-N', '-u'] } },
    { env: 'diff  --color=always $(rm) ../x', want: { program: 'diff', args: ['A', 'B', '--color=always'] } },
    { env: '/usr/bin/meld', want: { program: '/usr/bin/meld', args: ['A', 'B'] } },
  ];
  for (const { env, want } of cases) assert.deepEqual(diffCommand(env, 'A', 'B'), want, String(env));
});

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

test('runDiffProgram returns 0 and 1, passes output on, and fails above 1', async () => {
  const out = sink();
  const err = sink();
  const streams = { stdout: out.stream, stderr: err.stream };
  assert.equal(await runDiffProgram({ program: 'sh', args: ['-c', 'echo same; echo warn >&2'] }, streams), 0);
  assert.equal(await runDiffProgram({ program: 'sh', args: ['-c', 'exit 1'] }, streams), 1);
  assert.equal(out.text(), 'same\n');
  assert.equal(err.text(), 'warn\n');
  await assert.rejects(runDiffProgram({ program: 'sh', args: ['-c', 'exit 3'] }, streams), (e: unknown) => e instanceof CliError && e.message === 'failed to run "sh": exit status 3');
  await assert.rejects(
    runDiffProgram({ program: 'k8ts-no-such-diff', args: [] }, streams),
    (e: unknown) => e instanceof CliError && e.message === 'failed to run "k8ts-no-such-diff": executable file not found in $PATH',
  );
});
