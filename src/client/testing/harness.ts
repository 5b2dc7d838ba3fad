/**
 * The server under test, as a parameter: client tests take a {@link ServerFactory}, so they run
 * against the fake API server by default and against a real k8ts (or Kubernetes) API server when
 * `K8TS_CLIENT_TEST_KUBECONFIG` names its kubeconfig. Tests that need to steer the server
 * (compaction, dropped watches, injected faults) use `fake` and skip when it is absent.
 */
import { loadKubeconfig, type ClientConfig } from '../config.js';
import { startFakeApiServer, type FakeApiServer, type FakeApiServerOptions } from './fake-apiserver.js';

/** A server the tests talk to. */
export interface ServerUnderTest {
  config: ClientConfig;
  /** Present when the server is the fake, for tests that steer it. */
  fake?: FakeApiServer;
  /** A namespace the tests may write into. */
  namespace: string;
  close(): Promise<void>;
}

/** Starts (or connects to) a server for one test. */
export type ServerFactory = (options?: FakeApiServerOptions) => Promise<ServerUnderTest>;

/** The fake API server on 127.0.0.1. */
export const fakeServerFactory: ServerFactory = async (options) => {
  const fake = await startFakeApiServer(options);
  return { config: { server: fake.url }, fake, namespace: 'default', close: () => fake.close() };
};

/** A real server from a kubeconfig; `close` leaves it running. */
export function kubeconfigServerFactory(path: string, namespace = 'default'): ServerFactory {
  return () => Promise.resolve({ config: loadKubeconfig(path), namespace, close: () => Promise.resolve() });
}

/** The fake, unless `K8TS_CLIENT_TEST_KUBECONFIG` points at a real server's kubeconfig. */
export function serverFactory(env: NodeJS.ProcessEnv = process.env): ServerFactory {
  const path = env['K8TS_CLIENT_TEST_KUBECONFIG'];
  return path ? kubeconfigServerFactory(path, env['K8TS_CLIENT_TEST_NAMESPACE'] ?? 'default') : fakeServerFactory;
}

/** A name unique to this test run, so tests against a shared server do not collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * The server from {@link serverFactory} when it is the fake; otherwise closes it, marks the test
 * skipped (it steers the server: compaction, dropped watches, faults, the request log) and
 * returns undefined.
 */
export async function fakeOrSkip(t: { skip(message?: string): void }): Promise<(ServerUnderTest & { fake: FakeApiServer }) | undefined> {
  const sut = await serverFactory()();
  const fake = sut.fake;
  if (fake) return { ...sut, fake };
  await sut.close();
  t.skip('needs the fake API server');
  return undefined;
}
