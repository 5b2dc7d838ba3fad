// Choosing and running the editor, and the comment handling of the edited file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editorArgs, editorCommand, launchEditor, writeTempFile } from './editor.js';
import { manualStrip, stripComments, validationProblem } from './session.js';

test('editor: KUBE_EDITOR, then EDITOR, then vi; spaces split; quotes go through the shell', () => {
  const table: [NodeJS.ProcessEnv, string[]][] = [
    [{}, ['vi', '/f']],
    [{ EDITOR: 'nano' }, ['nano', '/f']],
    [{ KUBE_EDITOR: 'code --wait', EDITOR: 'nano' }, ['code', '--wait', '/f']],
    [{ EDITOR: "emacs -nw --eval '(x)'", SHELL: '/bin/zsh' }, ['/bin/zsh', '-c', 'emacs -nw --eval \'(x)\' "/f"']],
    [{ EDITOR: 'a\\b c' }, ['/bin/bash', '-c', 'a\\b c "/f"']],
  ];
  for (const [env, want] of table) assert.deepEqual(editorArgs(editorCommand(env), '/f'), want);
});

test('editor: runs the script on a kubectl-edit temp file and reads it back; failures worded as kubectl', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-editor-'));
  try {
    const script = join(dir, 'ed.sh');
    writeFileSync(script, '#!/bin/sh\nsed -i s/one/two/ "$1"\n', { mode: 0o755 });
    const env = { ...process.env, TMPDIR: dir };
    const file = writeTempFile(env, '.yaml', 'one\n');
    assert.match(file, /\/kubectl-edit-\d+\.yaml$/);
    assert.equal(await launchEditor(editorCommand({ EDITOR: script }), file, env), 'two\n');
    assert.equal(readFileSync(file, 'utf8'), 'two\n');
    await assert.rejects(launchEditor(editorCommand({ EDITOR: 'k8ts-no-such-editor' }), file, env), { message: 'unable to launch the editor "k8ts-no-such-editor"' });
    await assert.rejects(launchEditor(editorCommand({ EDITOR: join(dir, 'missing') }), file, env), { message: `there was a problem with the editor "${join(dir, 'missing')}"` });
    await assert.rejects(launchEditor(editorCommand({ EDITOR: 'false' }), file, env), { message: 'there was a problem with the editor "false"' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('edit: comments are stripped; content compares as YAML', () => {
  assert.equal(manualStrip('# head\n#!keep\na: 1\n  # indented\nb: 2'), '#!keep\na: 1\nb: 2');
  assert.equal(stripComments('# x\nb: 1\na: 2\n'), stripComments('a: 2\nb: 1'));
  assert.notEqual(stripComments('a: 1'), stripComments('a: 2'));
});

test('edit: the client-side check of the edited file, as kubectl words it', () => {
  const table: [string, string | undefined][] = [
    ['# c\napiVersion: v1\nkind: ConfigMap\n', undefined],
    ['{"apiVersion":"v1","kind":"List","items":[]}', undefined],
    ['# only comments\n', 'invalid object to validate'],
    ['apiVersion: v1\n', 'kind not set'],
    ['metadata: {}\n', '[apiVersion not set, kind not set]'],
    ['apiVersion: 1\nkind: [x]\n', "[apiVersion isn't string type, kind isn't string type]"],
  ];
  for (const [text, want] of table) assert.equal(validationProblem(text), want, text);
  assert.match(validationProblem('a: b: c\n') ?? '', /^yaml: /);
});
