/** `kubectl create secret docker-registry NAME (--docker-username --docker-password [--docker-server] [--docker-email] | --from-file)`. */
import { CliError } from '../../errors.js';
import type { Command } from '../../types.js';
import { goJSON } from './gojson.js';
import { generatorFlags, nameFromArgs } from './options.js';
import { createGenerated } from './run.js';
import { addSecretKey, appendHashFlag, secretObject, secretTarget, type SecretDraft } from './secret-data.js';
import { visitFileSources } from './sources.js';

const CONFIG_KEY = '.dockerconfigjson';

/** The `.dockerconfigjson` document: Go's struct order, empty fields left out. */
export function dockerConfigJSON(o: { username: string; password: string; email: string; server: string }): string {
  const entry = {
    username: o.username || undefined,
    password: o.password || undefined,
    email: o.email || undefined,
    auth: Buffer.from(`${o.username}:${o.password}`, 'utf8').toString('base64') || undefined,
  };
  return goJSON({ auths: { [o.server]: entry } });
}

export const secretDockerRegistry: Command = {
  name: 'docker-registry',
  short: 'Create a secret for use with a Docker registry',
  long: `Create a new secret for use with Docker registries.

        Dockercfg secrets are used to authenticate against Docker registries.

        When using the Docker command line to push images, you can authenticate to a given registry by running:
                '$ docker login DOCKER_REGISTRY_SERVER --username=DOCKER_USER --password=DOCKER_PASSWORD --email=DOCKER_EMAIL'.

 That produces a ~/.dockercfg file that is used by subsequent 'docker push' and 'docker pull' commands to authenticate to the registry. The email address is optional.

        When creating applications, you may have a Docker registry that requires authentication.  In order for the
        nodes to pull images on your behalf, they must have the credentials.  You can provide this information
        by creating a dockercfg secret and attaching it to your service account.`,
  usage: 'kubectl create secret docker-registry NAME --docker-username=user --docker-password=password --docker-email=email [--docker-server=string] [--from-file=[key=]source] [--dry-run=server|client|none]',
  examples: `  # If you do not already have a .dockercfg file, create a dockercfg secret directly
  kubectl create secret docker-registry my-secret --docker-server=DOCKER_REGISTRY_SERVER --docker-username=DOCKER_USER --docker-password=DOCKER_PASSWORD --docker-email=DOCKER_EMAIL

  # Create a new secret named my-secret from ~/.docker/config.json
  kubectl create secret docker-registry my-secret --from-file=path/to/.docker/config.json`,
  flags: generatorFlags([
    { name: 'docker-username', type: 'string', default: '', help: 'Username for Docker registry authentication' },
    { name: 'docker-password', type: 'string', default: '', help: 'Password for Docker registry authentication' },
    { name: 'docker-email', type: 'string', default: '', help: 'Email for Docker registry' },
    { name: 'docker-server', type: 'string', default: 'https://index.docker.io/v1/', help: 'Server location for Docker registry' },
    appendHashFlag,
    {
      name: 'from-file',
      type: 'strings',
      default: [],
      help: 'Key files can be specified using their file path, in which case a default name of .dockerconfigjson will be given to them, or optionally with a name and file path, in which case the given name will be used. Specifying a directory will iterate each named file in the directory that is a valid secret key. For this command, the key should always be .dockerconfigjson.',
    },
  ]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    // A bare path gets the one key this type of Secret uses.
    const files = ctx.flags.strings('from-file').map((f) => (f.includes('=') ? f : `${CONFIG_KEY}=${f}`));
    const username = ctx.flags.string('docker-username');
    const password = ctx.flags.string('docker-password');
    const server = ctx.flags.string('docker-server');
    if (files.length === 0 && (username === '' || password === '' || server === '')) {
      throw new CliError('either --from-file or the combination of --docker-username, --docker-password and --docker-server is required');
    }
    const s: SecretDraft = { name, type: 'kubernetes.io/dockerconfigjson', data: new Map() };
    if (files.length > 0) visitFileSources(files, (k, bytes) => addSecretKey(s, k, bytes));
    else s.data.set(CONFIG_KEY, Buffer.from(dockerConfigJSON({ username, password, email: ctx.flags.string('docker-email'), server }), 'utf8').toString('base64'));
    await createGenerated(ctx, secretObject(ctx, s), secretTarget);
  },
};
