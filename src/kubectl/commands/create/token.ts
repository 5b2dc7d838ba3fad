/** `kubectl create token SERVICE_ACCOUNT_NAME [--duration=d] [--audience=a]… [--bound-object-kind=K --bound-object-name=N [--bound-object-uid=U]]`. */
import { ApiError } from '../../../api/errors.js';
import { resourcePath } from '../../../client/paths.js';
import type { KubeObject } from '../../../client/types.js';
import { CliError } from '../../errors.js';
import { formatObjects } from '../../printers/output.js';
import type { Command } from '../../types.js';
import { nameFromArgs, printFlagSpecs } from './options.js';

/** Kinds a token may be bound to, and their API versions. */
const BOUND_KINDS: Record<string, string> = { Node: 'v1', Pod: 'v1', Secret: 'v1' };
const KIND_LIST = Object.keys(BOUND_KINDS).sort().join(', ');

interface TokenRequest extends KubeObject {
  status?: { token?: string; expirationTimestamp?: string };
}

export const token: Command = {
  name: 'token',
  short: 'Request a service account token',
  long: 'Request a service account token.',
  usage: 'kubectl create token SERVICE_ACCOUNT_NAME',
  examples: `  # Request a token to authenticate to the kube-apiserver as the service account "myapp" in the current namespace
  kubectl create token myapp

  # Request a token for a service account in a custom namespace
  kubectl create token myapp --namespace myns

  # Request a token with a custom expiration
  kubectl create token myapp --duration 10m

  # Request a token with a custom audience
  kubectl create token myapp --audience https://example.com

  # Request a token bound to an instance of a Secret object
  kubectl create token myapp --bound-object-kind Secret --bound-object-name mysecret

  # Request a token bound to an instance of a Secret object with a specific UID
  kubectl create token myapp --bound-object-kind Secret --bound-object-name mysecret --bound-object-uid 0d4691ed-659b-4935-a832-355f77ee47cc`,
  flags: [
    ...printFlagSpecs,
    { name: 'audience', type: 'stringArray', default: [], help: 'Audience of the requested token. If unset, defaults to requesting a token for use with the Kubernetes API server. May be repeated to request a token valid for multiple audiences.' },
    { name: 'duration', type: 'duration', default: '0s', help: 'Requested lifetime of the issued token. If not set or if set to 0, the lifetime will be determined by the server automatically. The server may return a token with a longer or shorter lifetime.' },
    { name: 'bound-object-kind', type: 'string', default: '', help: `Kind of an object to bind the token to. Supported kinds are ${KIND_LIST}. If set, --bound-object-name must be provided.` },
    { name: 'bound-object-name', type: 'string', default: '', help: 'Name of an object to bind the token to. The token will expire when the object is deleted. Requires --bound-object-kind.' },
    { name: 'bound-object-uid', type: 'string', default: '', help: 'UID of an object to bind the token to. Requires --bound-object-kind and --bound-object-name. If unset, the UID of the existing object is used.' },
  ],
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const { namespace } = ctx.factory.namespace();
    const duration = ctx.flags.duration('duration');
    const audiences = ctx.flags.strings('audience');
    const kind = ctx.flags.string('bound-object-kind');
    const boundName = ctx.flags.string('bound-object-name');
    const uid = ctx.flags.string('bound-object-uid');
    if (name === '') throw new CliError('service account name is required');
    if (duration < 0) throw new CliError('--duration must be greater than or equal to 0');
    if (duration % 1000 !== 0) throw new CliError('--duration cannot be expressed in units less than seconds');
    if (audiences.includes('')) throw new CliError('--audience must not be an empty string');
    if (kind === '') {
      if (boundName !== '') throw new CliError('--bound-object-name can only be set if --bound-object-kind is provided');
      if (uid !== '') throw new CliError('--bound-object-uid can only be set if --bound-object-kind is provided');
    } else {
      if (!Object.hasOwn(BOUND_KINDS, kind)) throw new CliError(`supported --bound-object-kind values are ${KIND_LIST}`);
      if (boundName === '') throw new CliError('--bound-object-name is required if --bound-object-kind is provided');
    }
    const body = {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {
        audiences: audiences.length ? audiences : null,
        expirationSeconds: duration > 0 ? duration / 1000 : undefined,
        boundObjectRef: kind ? { kind, apiVersion: BOUND_KINDS[kind], name: boundName, uid: uid || undefined } : undefined,
      },
      status: { token: '', expirationTimestamp: null },
    };
    let res: TokenRequest;
    try {
      res = await ctx.factory.client().request<TokenRequest>({
        method: 'POST',
        path: resourcePath({ group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true }, { namespace, name, subresource: 'token' }),
        body,
      });
    } catch (e) {
      if (e instanceof ApiError) throw new CliError(`failed to create token: ${e.message}`);
      throw e;
    }
    const tokenText = res.status?.token ?? '';
    if (tokenText === '') throw new CliError('failed to create token: no token in server response');
    const output = ctx.flags.string('output');
    if (output !== '') {
      ctx.streams.stdout.write(formatObjects([{ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', ...res }], output, { single: true, template: ctx.flags.string('template') || undefined }));
      return;
    }
    // Like kubectl: a newline only for a terminal, so `$(kubectl create token x)` is the bare token.
    ctx.streams.stdout.write(ctx.streams.stdout.isTTY ? `${tokenText}\n` : tokenText);
  },
};
