/**
 * Test-only runner: a userspace backend in the network namespace it is started in
 * (`ip netns exec <ns> node netns-runner.js '<RunnerConfig JSON>'`). Node cannot bind sockets in
 * another namespace, so kernel tests and benchmarks run the backend here and feed it JSON lines
 * on stdin (see wire.ts); it answers `ok` or `error <message>` per line, logs on stderr, and
 * closes its sockets and exits when stdin ends.
 */
import { createInterface } from 'node:readline';
import { run } from '../../util/exec.js';
import { createLogger } from '../../util/log.js';
import { UserspaceBackend } from '../userspace.js';
import { decodeSync, type RequestLine, type RunnerConfig } from './wire.js';
import { errorText } from '../../util/errors.js';

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as RunnerConfig;
  const backend = new UserspaceBackend({
    net: { ...config, exec: (file, args, input) => run(file, args, input === undefined ? {} : { input }) },
    logger: createLogger('proxy-userspace'),
    ...(config.connectTimeoutMs !== undefined && { connectTimeoutMs: config.connectTimeoutMs }),
    ...(config.maxTries !== undefined && { maxTries: config.maxTries }),
    ...(config.udpIdleMs !== undefined && { udpIdleMs: config.udpIdleMs }),
  });
  // One request at a time, in order: readline's async iterator waits for each to finish.
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue;
    try {
      const req = JSON.parse(line) as RequestLine;
      if ('op' in req) await (req.op === 'cleanup' ? backend.cleanup() : backend.close());
      else await backend.sync(decodeSync(req));
      process.stdout.write('ok\n');
    } catch (e) {
      process.stdout.write(`error ${errorText(e).replace(/\n/g, ' ')}\n`);
    }
  }
  await backend.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`netns-runner: ${String(e)}\n`);
    process.exit(1);
  },
);
