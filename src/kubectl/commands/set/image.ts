/** `kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N`. */
import type { Container } from '../../../api/generated/core/v1.js';
import { AggregateCliError, CliError } from '../../errors.js';
import type { Command, CommandContext } from '../../types.js';
import { splitResourcesAndPairs } from '../label/pairs.js';
import { applySet, setFlags, setInfos } from './shared.js';

/** kubectl's ParsePairs without removals: `name=value` pairs, in order, later ones winning. */
export function parsePairs(pairs: string[], pairType: string): Map<string, string> {
  const out = new Map<string, string>();
  const invalid: string[] = [];
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq > 0) out.set(p.slice(0, eq), p.slice(eq + 1));
    else invalid.push(p);
  }
  if (invalid.length > 0) throw new CliError(`invalid ${pairType} format: ${invalid.join(', ')}`);
  return out;
}

function setImage(containers: Container[] | undefined, name: string, image: string): boolean {
  let found = false;
  for (const c of containers ?? []) {
    if (c.name === name || name === '*') {
      found = true;
      c.image = image;
    }
  }
  return found;
}

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  const { resources, pairs } = splitResourcesAndPairs(ctx.args, 'image');
  const images = parsePairs(pairs, 'image');
  const infos = await setInfos(ctx, resources);
  const problems: string[] = [];
  if (flags.bool('all') && flags.string('selector') !== '') problems.push('cannot set --all and --selector at the same time');
  if (resources.length < 1 && flags.strings('filename').length === 0) problems.push('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  if (images.size < 1) problems.push('at least one image update is required');
  else if (images.size > 1 && images.has('*')) problems.push('all containers are already specified by *, but saw more than one container_name=container_image pairs');
  if (problems.length === 1) throw new CliError(problems[0] ?? '');
  if (problems.length > 1) throw new AggregateCliError(problems.map((p) => new CliError(p, { raw: true })));
  const errors: unknown[] = [];
  await applySet(ctx, infos, {
    operation: 'image updated',
    failure: 'failed to patch image update to pod template: ',
    errors,
    mutate: (spec) => {
      for (const [name, image] of images) {
        const inInit = setImage(spec.initContainers, name, image);
        const inMain = setImage(spec.containers, name, image);
        if (!inInit && !inMain) errors.push(new CliError(`error: unable to find container named "${name}"`, { raw: true }));
      }
    },
  });
}

export const image: Command = {
  name: 'image',
  short: 'Update the image of a pod template',
  long: `Update existing container image(s) of resources.

 Possible resources include (case insensitive):

  pod (po), replicationcontroller (rc), deployment (deploy), daemonset (ds), statefulset (sts), cronjob (cj), replicaset (rs)`,
  usage: 'kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N',
  examples: `  # Set a deployment's nginx container image to 'nginx:1.9.1', and its busybox container image to 'busybox'
  kubectl set image deployment/nginx busybox=busybox nginx=nginx:1.9.1

  # Update all deployments' and rc's nginx container's image to 'nginx:1.9.1'
  kubectl set image deployments,rc nginx=nginx:1.9.1 --all

  # Update image of all containers of daemonset abc to 'nginx:1.9.1'
  kubectl set image daemonset abc *=nginx:1.9.1

  # Print result (in yaml format) of updating nginx container image from local file, without hitting the server
  kubectl set image -f path/to/file.yaml nginx=nginx:1.9.1 --local -o yaml`,
  flags: setFlags('identifying the resource to get from a server.', []),
  run,
};
