/**
 * One `kubectl edit` session: print the live objects (one, or a `List`) under kubectl's commented
 * header, run the editor, and patch each object that changed with the two-way patch kubectl
 * computes. Invalid objects reopen the editor with the server's reasons in the header; a syntax
 * error reopens it too; saving the file unchanged after an error gives up, keeping a copy.
 */
import { rmSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../../../api/errors.js';
import { resourcePath } from '../../../client/paths.js';
import type { KubeObject } from '../../../client/types.js';
import { LAST_APPLIED, withLastApplied } from '../../apply/annotation.js';
import { goJson } from '../../apply/go-compat.js';
import { computeTwoWayPatch } from '../../apply/three-way.js';
import { CliError } from '../../errors.js';
import { parseManifestText } from '../../manifests.js';
import { formatObjects } from '../../printers/output.js';
import type { CommandContext, ResourceInfo } from '../../types.js';
import { printResult } from '../create/run.js';
import { asJson } from '../apply/objects.js';
import { editorCommand, launchEditor, writeTempFile } from './editor.js';

const HEADER = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

const LAST_APPLIED_HEADER = `# Please edit the 'last-applied-configuration' annotations below.
# Lines beginning with a '#' will be ignored, and an empty file will abort the edit.
#
`;

/** Why the file is reopened: a headline and, for invalid objects, one line per cause. */
interface Reason {
  head: string;
  other: string[];
}

/** Settings of one session. */
export interface EditSession {
  /** `normal`: the objects; `last-applied`: their last-applied configurations (`apply edit-last-applied`). */
  mode: 'normal' | 'last-applied';
  infos: (ResourceInfo & { object: KubeObject })[];
  output: string;
  outputPatch: boolean;
  saveConfig: boolean;
  windowsLineEndings: boolean;
  fieldManager: string;
  validation: string;
  subresource: string;
  namespace: string;
}

/** Comment lines continue as comments (kubectl's hashOnLineBreak). */
const commented = (s: string) => s.replace(/\n(?!#)/g, '\n# ');

function header(mode: EditSession['mode'], reasons: Reason[]): string {
  let out = mode === 'normal' ? HEADER : LAST_APPLIED_HEADER;
  for (const r of reasons) {
    out += r.other.length > 0 ? `# ${commented(r.head)}:\n` : `# ${commented(r.head)}\n`;
    for (const o of r.other) out += `# * ${commented(o)}\n`;
    out += '#\n';
  }
  return out;
}

/** The file without comment lines (`#!` kept), as kubectl's ManualStrip. */
export function manualStrip(text: string): string {
  return text
    .split('\n')
    .filter((line) => !(line.trim().startsWith('#') && !line.trim().startsWith('#!')))
    .join('\n');
}

/** The content of a file for comparison: its YAML as canonical JSON, else the text without comments. */
export function stripComments(text: string): string {
  try {
    return goJson(parseYaml(text, { version: '1.1' }) ?? null);
  } catch {
    return manualStrip(text);
  }
}

/**
 * kubectl's client-side check of the edited file (validation.ParamVerifyingSchema): it must parse
 * and be an object with apiVersion and kind. Returns the problem, or undefined.
 */
export function validationProblem(text: string): string | undefined {
  let value: unknown;
  const stripped = manualStrip(text);
  try {
    value = stripped.trimStart().startsWith('{') ? JSON.parse(stripped) : parseYaml(stripped, { version: '1.1' });
  } catch (e) {
    return `yaml: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'invalid object to validate';
  const fields = value as Record<string, unknown>;
  const problems: string[] = [];
  if (fields['apiVersion'] === undefined || fields['apiVersion'] === null) problems.push('apiVersion not set');
  else if (typeof fields['apiVersion'] !== 'string') problems.push("apiVersion isn't string type");
  if (fields['kind'] === undefined || fields['kind'] === null) problems.push('kind not set');
  else if (typeof fields['kind'] !== 'string') problems.push("kind isn't string type");
  if (problems.length === 0) return undefined;
  return problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
}

function withoutManagedFields(o: KubeObject): KubeObject {
  const metadata = { ...o.metadata };
  delete metadata.managedFields;
  return { ...o, metadata };
}

function render(s: EditSession): string {
  const objects = s.infos.map((i) => withoutManagedFields(i.object));
  const doc = objects.length === 1 && objects[0] ? objects[0] : ({ apiVersion: 'v1', items: objects, kind: 'List', metadata: {} } as unknown as KubeObject);
  return formatObjects([doc], s.output === 'json' ? 'json' : 'yaml', { single: true });
}

const resourceString = (info: ResourceInfo) => (info.mapping.group ? `${info.mapping.resource}.${info.mapping.group}` : info.mapping.resource);

/** Outcome of sending the edits of one round. */
interface Round {
  reasons: Reason[];
  invalid: number;
  retryable: number;
  notFound: number;
}

/** Runs the session; resolves with the exit code. */
export async function runEditSession(ctx: CommandContext, s: EditSession): Promise<number> {
  const env = process.env;
  const cmd = editorCommand(env);
  const json = s.output === 'json';
  const ext = json ? '.json' : '.yaml';
  const crlf = (t: string) => (s.windowsLineEndings ? t.replace(/\r?\n/g, '\r\n') : t);
  const err = ctx.streams.stderr;
  let reasons: Reason[] = [];
  let containsError = false;
  let original = '';
  let edited = '';
  let previousFile = '';
  const preserved = (e: unknown, file: string): unknown => {
    if (file) err.write(`A copy of your changes has been stored to ${JSON.stringify(file)}\n`);
    return e;
  };
  for (;;) {
    let buf = json ? '' : header(s.mode, reasons);
    if (!containsError) {
      buf += render(s);
      original = buf;
    } else {
      buf += manualStrip(edited);
    }
    const before = edited;
    const file = writeTempFile(env, ext, crlf(buf));
    try {
      edited = await launchEditor(cmd, file, env);
    } catch (e) {
      throw preserved(e, previousFile);
    }
    if (containsError && stripComments(before) === stripComments(edited)) {
      throw preserved(new CliError('Edit cancelled, no valid changes were saved.'), file);
    }
    if (previousFile) rmSync(previousFile, { force: true });
    previousFile = file;
    const problem = validationProblem(edited);
    const first = s.infos[0];
    if (problem !== undefined && first) {
      const name = `${resourceString(first)} ${JSON.stringify(first.name)}`;
      reasons = [{ head: `${name} was not valid`, other: [`<nil>: Invalid value: "The edited file failed validation": ${problem}`] }];
      containsError = true;
      err.write(`error: ${name} is invalid\n`);
      continue;
    }
    if (stripComments(original) === stripComments(edited)) {
      rmSync(file, { force: true });
      err.write('Edit cancelled, no changes made.\n');
      return 0;
    }
    if (!edited.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#'))) {
      rmSync(file, { force: true });
      err.write('Edit cancelled, saved file was empty.\n');
      return 0;
    }
    reasons = [];
    let updated: KubeObject[];
    try {
      updated = parseManifestText(edited.replace(/\r\n/g, '\n'), 'edited-file').map((m) => m.object);
    } catch (e) {
      containsError = true;
      reasons.push({ head: `The edited file had a syntax error: ${e instanceof Error ? e.message : String(e)}`, other: [] });
      continue;
    }
    containsError = false;
    let round: Round;
    try {
      round = await sendEdits(ctx, s, updated);
    } catch (e) {
      throw preserved(e, file);
    }
    if (round.retryable > 0) {
      err.write(`You can run \`kubectl replace -f ${file}\` to try this update again.\n`);
      return 1;
    }
    if (round.notFound > 0) {
      err.write(`The edits you made on deleted resources have been saved to ${JSON.stringify(file)}\n`);
      return 1;
    }
    if (round.invalid === 0) {
      rmSync(file, { force: true });
      return 0;
    }
    reasons = round.reasons;
    containsError = reasons.length > 0;
  }
}

/** Patches each edited object that differs from what was read; collects why others failed. */
async function sendEdits(ctx: CommandContext, s: EditSession, updated: KubeObject[]): Promise<Round> {
  const round: Round = { reasons: [], invalid: 0, retryable: 0, notFound: 0 };
  for (let edited of updated) {
    const uid = edited.metadata?.uid;
    const info = s.infos.find((i) => i.object.metadata?.uid === uid);
    if (!info) throw new CliError(`no original object found for ${goJson(edited)}`);
    const own = edited.metadata?.namespace;
    if (info.mapping.namespaced) {
      if (own && own !== s.namespace) {
        throw new CliError(`the namespace from the provided object "${own}" does not match the namespace "${s.namespace}". You must pass '--namespace=${own}' to perform this operation.`);
      }
      if (!own) edited = { ...edited, metadata: { ...edited.metadata, namespace: s.namespace } };
    }
    // managedFields were taken out for editing; both sides get the originals back.
    const managedFields = info.object.metadata?.managedFields;
    edited = withoutManagedFields(edited);
    if (managedFields !== undefined) edited = { ...edited, metadata: { ...edited.metadata, managedFields } };
    if (s.mode === 'last-applied') {
      await sendLastApplied(ctx, s, info, edited);
      continue;
    }
    if (s.saveConfig) edited = withLastApplied(asJson(edited));
    const before = asJson(info.object);
    if (goJson(before) === goJson(edited)) {
      printResult(ctx, edited, 'skipped', 'none');
      continue;
    }
    const gvk = { group: info.mapping.group, version: info.mapping.version, kind: info.mapping.kind };
    let patch;
    try {
      patch = computeTwoWayPatch(before, asJson(edited), gvk);
    } catch (e) {
      throw new CliError(e instanceof Error ? e.message : String(e));
    }
    if (s.outputPatch) ctx.streams.stdout.write(`Patch: ${patch.body}\n`);
    const base = resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name });
    try {
      const patched = await ctx.factory.client().request<KubeObject>({
        method: 'PATCH',
        path: s.subresource ? `${base}/${s.subresource}` : base,
        query: { fieldManager: s.fieldManager, fieldValidation: s.validation },
        body: patch.body,
        contentType: patch.type === 'strategic' ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json',
      });
      printResult(ctx, patched, 'edited', 'none');
    } catch (e) {
      ctx.streams.stderr.write(`${failure(e, info, round)}\n`);
    }
  }
  return round;
}

/**
 * `apply edit-last-applied`: an edited configuration becomes the annotation (a JSON merge patch
 * sent to the `-n` namespace, as kubectl does); failures end the session.
 */
async function sendLastApplied(ctx: CommandContext, s: EditSession, info: ResourceInfo & { object: KubeObject }, edited: KubeObject): Promise<void> {
  if (goJson(info.object) === goJson(edited)) {
    printResult(ctx, edited, 'skipped', 'none');
    return;
  }
  const patch = goJson({ metadata: { annotations: { [LAST_APPLIED]: `${goJson(edited)}\n` } } });
  await ctx.factory.client().request<KubeObject>({
    method: 'PATCH',
    path: resourcePath(info.mapping, { namespace: info.mapping.namespaced ? s.namespace : undefined, name: edited.metadata?.name ?? info.name }),
    query: { fieldManager: s.fieldManager, fieldValidation: s.validation },
    body: patch,
    contentType: 'application/merge-patch+json',
  });
  printResult(ctx, edited, 'edited', 'none');
}

/** kubectl's editResults.addError: counts the failure and words it. */
function failure(e: unknown, info: ResourceInfo, round: Round): string {
  const name = `${resourceString(info)} ${JSON.stringify(info.name)}`;
  if (e instanceof ApiError && e.code === 422) {
    round.invalid++;
    const causes = e.status.details?.causes ?? [];
    round.reasons.push({ head: `${name} was not valid`, other: causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`) });
    return `error: ${name} is invalid`;
  }
  if (e instanceof ApiError && e.code === 404) {
    round.notFound++;
    return `error: ${name} could not be found on the server`;
  }
  round.retryable++;
  return `error: ${name} could not be patched: ${e instanceof Error ? e.message : String(e)}`;
}
