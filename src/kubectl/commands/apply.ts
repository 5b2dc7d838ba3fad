/**
 * `kubectl apply -f FILE|DIR|URL|-`: create what is missing, patch what exists with the three-way
 * patch of client-side apply (or send the manifest for server-side apply with `--server-side`),
 * prune with `--prune`. Subcommands `view-last-applied` and `set-last-applied` read and write the
 * last-applied annotation. The work is in `apply/`.
 */
import { byName } from './apply/flag-order.js';
import type { Command } from '../types.js';
import { dryRunFlagSpec, printFlagSpecs, validateFlagSpec } from './create/options.js';
import { setLastApplied, viewLastApplied } from './apply/last-applied.js';
import { runApply } from './apply/run.js';
import { editLastApplied } from './edit.js';

export const command: Command = {
  name: 'apply',
  short: 'Apply a configuration to a resource by file name or stdin',
  long: `Apply a configuration to a resource by file name or stdin. The resource name must be specified. This resource will be created if it doesn't exist yet. To use 'apply', always create the resource initially with either 'apply' or 'create --save-config'.

 JSON and YAML formats are accepted.

 Alpha Disclaimer: the --prune functionality is not yet complete. Do not use unless you are aware of what the current state is. See https://issues.k8s.io/34274.`,
  usage: 'kubectl apply (-f FILENAME | -k DIRECTORY)',
  examples: `  # Apply the configuration in pod.json to a pod
  kubectl apply -f ./pod.json
  
  # Apply resources from a directory containing kustomization.yaml - e.g. dir/kustomization.yaml
  kubectl apply -k dir/
  
  # Apply the JSON passed into stdin to a pod
  cat pod.json | kubectl apply -f -
  
  # Apply the configuration from all files that end with '.json'
  kubectl apply -f '*.json'
  
  # Note: --prune is still in Alpha
  # Apply the configuration in manifest.yaml that matches label app=nginx and delete all other resources that are not in the file and match label app=nginx
  kubectl apply --prune -f manifest.yaml -l app=nginx
  
  # Apply the configuration in manifest.yaml and delete all the other config maps that are not in the file
  kubectl apply --prune -f manifest.yaml --all --prune-allowlist=core/v1/ConfigMap`,
  // kubectl (cobra) lists flags sorted by name.
  flags: byName([
    { name: 'all', type: 'bool', default: false, help: 'Select all resources in the namespace of the specified resource types.' },
    { name: 'cascade', type: 'string', default: 'background', noOptDefault: 'background', help: 'Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.' },
    dryRunFlagSpec,
    { name: 'field-manager', type: 'string', default: 'kubectl-client-side-apply', help: 'Name of the manager used to track field ownership.' },
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'The files that contain the configurations to apply.' },
    { name: 'force', type: 'bool', default: false, help: 'If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.' },
    { name: 'force-conflicts', type: 'bool', default: false, help: 'If true, server-side apply will force the changes against conflicts.' },
    { name: 'grace-period', type: 'int', default: -1, help: 'Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).' },
    { name: 'kustomize', short: 'k', type: 'string', default: '', help: "Process a kustomization directory. This flag can't be used together with -f or -R." },
    { name: 'openapi-patch', type: 'bool', default: true, help: 'If true, use openapi to calculate diff when the openapi presents and the resource can be found in the openapi spec. Otherwise, fall back to use baked-in types.' },
    ...printFlagSpecs,
    { name: 'overwrite', type: 'bool', default: true, help: 'Automatically resolve conflicts between the modified and live configuration by using values from the modified configuration' },
    { name: 'prune', type: 'bool', default: false, help: 'Automatically delete resource objects, that do not appear in the configs and are created by either apply or create --save-config. Should be used with either -l or --all.' },
    { name: 'prune-allowlist', type: 'stringArray', default: [], help: 'Overwrite the default allowlist with <group/version/kind> for --prune' },
    { name: 'prune-whitelist', type: 'stringArray', default: [], help: 'Overwrite the default whitelist with <group/version/kind> for --prune', hidden: true },
    { name: 'recursive', short: 'R', type: 'bool', default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
    { name: 'record', type: 'bool', default: false, help: 'Record current kubectl command in the resource annotation.', hidden: true },
    { name: 'selector', short: 'l', type: 'string', default: '', help: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints." },
    { name: 'server-side', type: 'bool', default: false, help: 'If true, apply runs in the server instead of the client.' },
    { name: 'subresource', type: 'string', default: '', help: 'If specified, apply will operate on the subresource of the requested object.  Only allowed when using --server-side. This flag is beta and may change in the future.' },
    { name: 'timeout', type: 'duration', default: '0s', help: 'The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object' },
    validateFlagSpec,
    { name: 'wait', type: 'bool', default: false, help: 'If true, wait for resources to be gone before returning. This waits for finalizers.' },
  ]),
  subcommands: [editLastApplied, setLastApplied, viewLastApplied],
  run: runApply,
};
