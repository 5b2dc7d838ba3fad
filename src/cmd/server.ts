/** `k8ts server`: the all-in-one control plane on the embedded default. Flags only; behaviour lives below. */
import { runStorage } from '../storage/serve.js';
import { createLogger } from '../util/log.js';
import { defaultDataDir, parse, shutdownSignal } from './flags.js';

export const usage = `Usage: k8ts server [--data-dir DIR] [--etcd-servers URL[,URL...]]

Runs the all-in-one control plane. State lives in embedded SQLite under --data-dir
(default ${defaultDataDir()}), or in the etcd cluster given by --etcd-servers.
At this stage only storage runs; the API server, controllers and node agent join as they land.`;

export async function main(args: string[]): Promise<void> {
  const { values } = parse(args, {
    'data-dir': { type: 'string' },
    'etcd-servers': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const log = createLogger('server');
  const signal = shutdownSignal();
  log.info('starting k8ts server (storage only for now: the API server is not built yet)');
  await runStorage(
    {
      dataDir: values['data-dir'] ?? defaultDataDir(),
      etcdServers: values['etcd-servers']?.split(',').filter(Boolean),
      log,
    },
    signal,
  );
}
