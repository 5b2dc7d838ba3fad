/**
 * `kubectl edit (TYPE NAME | TYPE/NAME | -f FILE)`: edit live objects in `$KUBE_EDITOR`,
 * `$EDITOR` or `vi` and patch what changed. The session loop is in `edit/session.ts`.
 */
import { resourcePath } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import { selectResources } from '../builder.js';
import { CliError } from '../errors.js';
import { byName } from './apply/flag-order.js';
import type { Command, CommandContext, ResourceInfo } from '../types.js';
import { MISSING_RESOURCES } from './apply/objects.js';
import { printFlagSpecs, throwCollected, validateFlagSpec, validationDirective } from './create/options.js';
import { runEditSession } from './edit/session.js';
import { originalConfiguration } from '../apply/annotation.js';
import { parseManifestText } from '../manifests.js';

/** The live objects to edit (their subresource with `--subresource`). */
async function liveObjects(ctx: CommandContext, subresource: string): Promise<(ResourceInfo & { object: KubeObject })[]> {
  const f = ctx.flags;
  if (f.string('kustomize') !== '') throw new CliError('kustomize (-k) is not supported by k8ts kubectl');
  const filenames = f.strings('filename');
  if (ctx.args.length === 0 && filenames.length === 0) throw new CliError(MISSING_RESOURCES);
  const { infos, errors } = await selectResources(ctx.factory, ctx.args, { filenames, recursive: f.bool('recursive'), fetch: subresource === '' });
  throwCollected(errors);
  const live: (ResourceInfo & { object: KubeObject })[] = [];
  for (const info of infos) {
    let object = info.object;
    if (subresource !== '' || !object) {
      const base = resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name });
      object = await ctx.factory.client().request<KubeObject>({ method: 'GET', path: subresource ? `${base}/${subresource}` : base });
    }
    live.push({ ...info, object });
  }
  return live;
}

async function runEdit(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  const output = f.string('output');
  const validation = validationDirective(f);
  const subresource = f.string('subresource');
  const live = await liveObjects(ctx, subresource);
  if (live.length === 0) throw new CliError('edit cancelled, no objects found');
  return runEditSession(ctx, {
    mode: 'normal',
    infos: live,
    output,
    outputPatch: f.bool('output-patch'),
    saveConfig: f.bool('save-config'),
    windowsLineEndings: f.bool('windows-line-endings'),
    fieldManager: f.string('field-manager'),
    validation,
    subresource,
    namespace: ctx.factory.namespace().namespace,
  });
}

/** `kubectl apply edit-last-applied`: the same session on the objects' last-applied configurations. */
async function runEditLastApplied(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  const validation = validationDirective(f);
  const configs: (ResourceInfo & { object: KubeObject })[] = [];
  for (const info of await liveObjects(ctx, '')) {
    const text = originalConfiguration(info.object as unknown as Record<string, unknown>);
    if (text === undefined) continue;
    const [parsed] = parseManifestText(text, 'edited-file');
    if (parsed) configs.push({ ...info, object: parsed.object });
  }
  if (configs.length === 0) throw new CliError('no last-applied-configuration annotation found on resources, to create the annotation, use command `kubectl apply set-last-applied --create-annotation`');
  return runEditSession(ctx, {
    mode: 'last-applied',
    infos: configs,
    output: f.string('output'),
    outputPatch: false,
    saveConfig: false,
    windowsLineEndings: f.bool('windows-line-endings'),
    fieldManager: f.string('field-manager'),
    validation,
    subresource: '',
    namespace: ctx.factory.namespace().namespace,
  });
}

export const editLastApplied: Command = {
  name: 'edit-last-applied',
  short: 'Edit latest last-applied-configuration annotations of a resource/object',
  long: `Edit the latest last-applied-configuration annotations of resources from the default editor.

 The edit-last-applied command allows you to directly edit any API resource you can retrieve via the command-line tools. It will open the editor defined by your KUBE_EDITOR, or EDITOR environment variables, or fall back to 'vi' for Linux or 'notepad' for Windows. You can edit multiple objects, although changes are applied one at a time. The command accepts file names as well as command-line arguments, although the files you point to must be previously saved versions of resources.

 The default format is YAML. To edit in JSON, specify "-o json".

 The flag --windows-line-endings can be used to force Windows line endings, otherwise the default for your operating system will be used.

 In the event an error occurs while updating, a temporary file will be created on disk that contains your unapplied changes. The most common error when updating a resource is another editor changing the resource on the server. When this occurs, you will have to apply your changes to the newer version of the resource, or update your temporary saved copy to include the latest resource version.`,
  usage: 'kubectl apply edit-last-applied (RESOURCE/NAME | -f FILENAME)',
  examples: `  # Edit the last-applied-configuration annotations by type/name in YAML
  kubectl apply edit-last-applied deployment/nginx
  
  # Edit the last-applied-configuration annotations by file in JSON
  kubectl apply edit-last-applied -f deploy.yaml -o json`,
  flags: byName([
    { name: 'field-manager', type: 'string', default: 'kubectl-client-side-apply', help: 'Name of the manager used to track field ownership.' },
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'Filename, directory, or URL to files to use to edit the resource' },
    { name: 'kustomize', short: 'k', type: 'string', default: '', help: "Process the kustomization directory. This flag can't be used together with -f or -R." },
    ...printFlagSpecs,
    { name: 'record', type: 'bool', default: false, help: 'Record current kubectl command in the resource annotation.', hidden: true },
    { name: 'recursive', short: 'R', type: 'bool', default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
    validateFlagSpec,
    { name: 'windows-line-endings', type: 'bool', default: false, help: 'Defaults to the line ending native to your platform.' },
  ]),
  run: runEditLastApplied,
};

export const command: Command = {
  name: 'edit',
  short: 'Edit a resource on the server',
  long: `Edit a resource from the default editor.

 The edit command allows you to directly edit any API resource you can retrieve via the command-line tools. It will open the editor defined by your KUBE_EDITOR, or EDITOR environment variables, or fall back to 'vi' for Linux or 'notepad' for Windows. When attempting to open the editor, it will first attempt to use the shell that has been defined in the 'SHELL' environment variable. If this is not defined, the default shell will be used, which is '/bin/bash' for Linux or 'cmd' for Windows.

 You can edit multiple objects, although changes are applied one at a time. The command accepts file names as well as command-line arguments, although the files you point to must be previously saved versions of resources.

 Editing is done with the API version used to fetch the resource. To edit using a specific API version, fully-qualify the resource, version, and group.

 The default format is YAML. To edit in JSON, specify "-o json".

 The flag --windows-line-endings can be used to force Windows line endings, otherwise the default for your operating system will be used.

 In the event an error occurs while updating, a temporary file will be created on disk that contains your unapplied changes. The most common error when updating a resource is another editor changing the resource on the server. When this occurs, you will have to apply your changes to the newer version of the resource, or update your temporary saved copy to include the latest resource version.`,
  usage: 'kubectl edit (RESOURCE/NAME | -f FILENAME)',
  examples: `  # Edit the service named 'registry'
  kubectl edit svc/registry
  
  # Use an alternative editor
  KUBE_EDITOR="nano" kubectl edit svc/registry
  
  # Edit the job 'myjob' in JSON using the v1 API format
  kubectl edit job.v1.batch/myjob -o json
  
  # Edit the deployment 'mydeployment' in YAML and save the modified config in its annotation
  kubectl edit deployment/mydeployment -o yaml --save-config
  
  # Edit the 'status' subresource for the 'mydeployment' deployment
  kubectl edit deployment mydeployment --subresource='status'`,
  // kubectl (cobra) lists flags sorted by name.
  flags: byName([
    { name: 'field-manager', type: 'string', default: 'kubectl-edit', help: 'Name of the manager used to track field ownership.' },
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'Filename, directory, or URL to files to use to edit the resource' },
    { name: 'kustomize', short: 'k', type: 'string', default: '', help: "Process the kustomization directory. This flag can't be used together with -f or -R." },
    ...printFlagSpecs,
    { name: 'output-patch', type: 'bool', default: false, help: 'Output the patch if the resource is edited.' },
    { name: 'record', type: 'bool', default: false, help: 'Record current kubectl command in the resource annotation.', hidden: true },
    { name: 'recursive', short: 'R', type: 'bool', default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
    { name: 'save-config', type: 'bool', default: false, help: 'If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.' },
    { name: 'subresource', type: 'string', default: '', help: 'If specified, edit will operate on the subresource of the requested object. This flag is beta and may change in the future.' },
    validateFlagSpec,
    { name: 'windows-line-endings', type: 'bool', default: false, help: 'Defaults to the line ending native to your platform.' },
  ]),
  run: runEdit,
};
