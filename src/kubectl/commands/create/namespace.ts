/** `kubectl create namespace NAME` and `kubectl create serviceaccount NAME`: objects with only a name. */
import type { Command } from '../../types.js';
import { generatorFlags, nameFromArgs } from './options.js';
import { createGenerated } from './run.js';

export const namespace: Command = {
  name: 'namespace',
  aliases: ['ns'],
  short: 'Create a namespace with the specified name',
  long: 'Create a namespace with the specified name.',
  usage: 'kubectl create namespace NAME [--dry-run=server|client|none]',
  examples: `  # Create a new namespace named my-namespace
  kubectl create namespace my-namespace`,
  flags: generatorFlags([]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    // Go's zero-valued spec and status are not omitempty, so they print as {}.
    const obj = { kind: 'Namespace', apiVersion: 'v1', metadata: { name, creationTimestamp: null }, spec: {}, status: {} };
    await createGenerated(ctx, obj, { group: '', version: 'v1', resource: 'namespaces', namespaced: false });
  },
};

export const serviceaccount: Command = {
  name: 'serviceaccount',
  aliases: ['sa'],
  short: 'Create a service account with the specified name',
  long: 'Create a service account with the specified name.',
  usage: 'kubectl create serviceaccount NAME [--dry-run=server|client|none]',
  examples: `  # Create a new service account named my-service-account
  kubectl create serviceaccount my-service-account`,
  flags: generatorFlags([]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const obj = { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name, creationTimestamp: null } };
    await createGenerated(ctx, obj, { group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true, errorPrefix: 'failed to create serviceaccount: ' });
  },
};
