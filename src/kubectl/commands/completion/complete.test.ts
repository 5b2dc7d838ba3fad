import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Factory, ResourceMapping, RestMapper } from '../../types.js';
import { complete, Directive, type CompletionSource } from './complete.js';

const mapping = (resource: string, group: string, o: Partial<ResourceMapping> = {}): ResourceMapping => ({
  group,
  version: 'v1',
  resource,
  singular: resource.replace(/s$/, ''),
  kind: resource,
  namespaced: true,
  shortNames: [],
  verbs: ['get', 'list'],
  categories: [],
  subresources: [],
  ...o,
});

const TYPES = [mapping('pods', '', { shortNames: ['po'] }), mapping('podtemplates', ''), mapping('namespaces', '', { namespaced: false, shortNames: ['ns'] }), mapping('poddisruptionbudgets', 'policy'), mapping('bindings', '', { verbs: ['create'] })];
const OBJECTS: Record<string, string[]> = { '/api/v1/namespaces/dev/pods': ['web-1', 'web-2', 'db'], '/api/v1/namespaces': ['default', 'dev'] };

/** A source whose factory serves fixed discovery and lists, recording the global flags it was given. */
function source(seen: Array<Map<string, string>> = []): CompletionSource {
  const mapper: Partial<RestMapper> = {
    all: () => TYPES,
    resolve: (t: string) => {
      const m = TYPES.find((x) => x.resource === t || x.shortNames.includes(t));
      return m ? Promise.resolve(m) : Promise.reject(new Error(`no type ${t}`));
    },
  };
  return {
    env: { HOME: '/nonexistent', KUBECONFIG: '/nonexistent/config' },
    factory(globals) {
      seen.push(globals);
      const factory: Partial<Factory> = {
        mapper: () => Promise.resolve(mapper as RestMapper),
        namespace: () => ({ namespace: globals.get('namespace') ?? 'default', explicit: globals.has('namespace') }),
        client: () => ({ request: ({ path }: { path: string }) => Promise.resolve({ items: (OBJECTS[path] ?? []).map((name) => ({ metadata: { name } })) }) }) as never,
      };
      return factory as Factory;
    },
  };
}

const cases: Array<[string[], string, string[]]> = [
  [['get'], 'po', ['pods', 'podtemplates', 'poddisruptionbudgets.policy']],
  [['-n', 'dev', 'get', 'pods'], 'web', ['web-1', 'web-2']],
  [['get', '--namespace=dev', 'pods', 'web-1'], '', ['web-2', 'db']],
  [['get'], 'po/w', []],
  [['-n', 'dev', 'describe'], 'pods/w', ['pods/web-1', 'pods/web-2']],
  [['--namespace'], 'd', ['default', 'dev']],
  [['get', 'pods'], '--namespace=de', ['--namespace=default', '--namespace=dev']],
  [[], 'api-', ['api-resources', 'api-versions']],
  [['config'], 'get-c', ['get-clusters', 'get-contexts']],
  [['rollout', 'status'], '', ['deployments', 'daemonsets', 'statefulsets']],
  [['-n', 'dev', 'logs'], 'd', ['db']],
  [['explain'], 'n', ['namespaces']],
];

for (const [words, cur, want] of cases) {
  test(`complete ${[...words, cur].join(' ')}⇥`, async () => {
    const r = await complete(words, cur, source());
    assert.deepEqual(r.candidates, want);
    assert.equal(r.directive, Directive.noFileComp);
  });
}

test('the global flags on the line reach the factory; --kubeconfig wants file names', async () => {
  const seen: Array<Map<string, string>> = [];
  await complete(['--context', 'prod', '-n', 'dev', 'get', 'pods'], '', source(seen));
  assert.deepEqual(Object.fromEntries(seen[0] ?? []), { context: 'prod', namespace: 'dev' });
  const files = await complete(['get', '--kubeconfig'], '', source());
  assert.deepEqual(files, { candidates: [], directive: 0 });
});
