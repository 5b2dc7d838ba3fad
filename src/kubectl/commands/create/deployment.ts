/** `kubectl create deployment NAME --image=image [--replicas=n] [--port=p] [-- COMMAND args…]`. */
import { randomInt } from 'node:crypto';
import { CliError } from '../../errors.js';
import type { Command } from '../../types.js';
import { generatorFlags, nameFromArgs, requireFlags } from './options.js';
import { createGenerated } from './run.js';

// utilrand.String's alphabet: no vowels or confusable digits, so suffixes never spell words.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * A container name from an image reference: the last path part without tag or digest; names with
 * `_` or `.` are made DNS-safe and given a random 5-letter suffix, as kubectl does.
 */
export function containerName(image: string, random: (n: number) => number = randomInt): string {
  let name = image.split('/').pop() ?? image;
  name = name.split(':')[0] ?? name;
  name = name.split('@')[0] ?? name;
  if (/[_.]/.test(name)) {
    const suffix = Array.from({ length: 5 }, () => ALPHANUMS[random(ALPHANUMS.length)] ?? 'x').join('');
    name = `${name.replace(/[_.]/g, '-')}-${suffix}`;
  }
  return name;
}

export const deployment: Command = {
  name: 'deployment',
  aliases: ['deploy'],
  short: 'Create a deployment with the specified name',
  long: 'Create a deployment with the specified name.',
  usage: 'kubectl create deployment NAME --image=image -- [COMMAND] [args...]',
  examples: `  # Create a deployment named my-dep that runs the busybox image
  kubectl create deployment my-dep --image=busybox

  # Create a deployment with a command
  kubectl create deployment my-dep --image=busybox -- date

  # Create a deployment named my-dep that runs the nginx image with 3 replicas
  kubectl create deployment my-dep --image=nginx --replicas=3

  # Create a deployment named my-dep that runs the busybox image and expose port 5701
  kubectl create deployment my-dep --image=busybox --port=5701

  # Create a deployment named my-dep that runs multiple containers
  kubectl create deployment my-dep --image=busybox:latest --image=ubuntu:latest --image=nginx`,
  flags: generatorFlags([
    { name: 'image', type: 'strings', default: [], help: 'Image names to run. A deployment can have multiple images set for multi-container pod.' },
    { name: 'port', type: 'int', default: -1, help: 'The containerPort that this deployment exposes.' },
    { name: 'replicas', short: 'r', type: 'int', default: 1, help: 'Number of replicas to create. Default is 1.' },
  ]),
  async run(ctx) {
    requireFlags(ctx.flags, ['image']);
    const name = nameFromArgs(ctx);
    const images = ctx.flags.strings('image');
    const command = ctx.dashArgs.length > 0 ? ctx.dashArgs : undefined;
    if (images.length > 1 && command) throw new CliError('cannot specify multiple --image options and command');
    const port = ctx.flags.int('port');
    const containers = images.map((image, i) => ({
      name: containerName(image),
      image,
      command,
      ports: i === 0 && port >= 0 ? [{ containerPort: port }] : undefined,
      resources: {},
    }));
    const labels = { app: name };
    const obj = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name, creationTimestamp: null, labels },
      spec: {
        replicas: ctx.flags.int('replicas'),
        selector: { matchLabels: labels },
        template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
        strategy: {},
      },
      status: {},
    };
    await createGenerated(ctx, obj, { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true, errorPrefix: 'failed to create deployment: ' });
  },
};
