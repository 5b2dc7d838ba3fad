import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accepts, compileFilter, compileRegexp, DEFAULT_ACCEPT_HOSTS, DEFAULT_ACCEPT_PATHS, DEFAULT_REJECT_METHODS, DEFAULT_REJECT_PATHS, extractHost, regexpList, RegexpError } from './filter.js';

const defaults = compileFilter({ acceptPaths: DEFAULT_ACCEPT_PATHS, rejectPaths: DEFAULT_REJECT_PATHS, acceptHosts: DEFAULT_ACCEPT_HOSTS, rejectMethods: DEFAULT_REJECT_METHODS });

test('the default filter: local hosts, every path but exec and attach, every method', () => {
  const cases: [string, string, string, boolean][] = [
    ['GET', '/api/v1/pods', 'localhost:8001', true],
    ['GET', '/api', '127.0.0.1:8001', true],
    ['GET', '/api', 'localhost', true],
    ['DELETE', '/apis/apps/v1/namespaces/x/deployments/y', '127.0.0.1', true],
    ['POST', '/api/v1/namespaces/default/pods/web/exec', 'localhost:8001', false],
    ['GET', '/api/v1/namespaces/default/pods/web/attach?stdin=true', 'localhost', false],
    // Only under /api: the patterns are anchored there.
    ['GET', '/x/api/v1/namespaces/default/pods/web/exec', 'localhost', true],
    ['GET', '/api/v1/namespaces/default/pods/web/portforward', 'localhost', true],
    ['GET', '/api', 'evil.example.com', false],
    ['GET', '/api', 'localhost.evil.example.com:8001', false],
    ['GET', '/api', '', false],
    // `[::1]` is accepted only without a port: SplitHostPort takes the brackets off (as upstream).
    ['GET', '/api', '[::1]', true],
    ['GET', '/api', '[::1]:8001', false],
  ];
  for (const [method, path, host, want] of cases) assert.equal(accepts(defaults, method, path, host), want, `${method} ${path} Host: ${host}`);
});

test('reject-methods and reject-paths win over accept-paths', () => {
  const f = compileFilter({ acceptPaths: '^/api/', rejectPaths: '^/api/v1/secrets', acceptHosts: '.*', rejectMethods: 'POST,PUT,PATCH' });
  assert.equal(accepts(f, 'GET', '/api/v1/pods', 'x'), true);
  assert.equal(accepts(f, 'GET', '/apis/apps/v1', 'x'), false);
  assert.equal(accepts(f, 'GET', '/api/v1/secrets', 'x'), false);
  assert.equal(accepts(f, 'POST', '/api/v1/pods', 'x'), false);
  assert.equal(accepts(f, 'PATCH', '/api/v1/pods', 'x'), false);
  assert.equal(accepts(f, 'DELETE', '/api/v1/pods', 'x'), true);
});

test('an empty list matches nothing: empty accept lists reject everything, empty reject lists reject nothing', () => {
  assert.deepEqual(regexpList(''), []);
  const none = compileFilter({ acceptPaths: '', rejectPaths: '', acceptHosts: '.*', rejectMethods: '' });
  assert.equal(accepts(none, 'GET', '/api', 'localhost'), false);
  const open = compileFilter({ acceptPaths: '.*', rejectPaths: '', acceptHosts: '.*', rejectMethods: '' });
  assert.equal(accepts(open, 'GET', '/api/v1/namespaces/a/pods/b/exec', 'anything'), true);
});

test('the default reject-methods `^$` rejects only an empty method', () => {
  assert.equal(accepts(defaults, '', '/api', 'localhost'), false);
  assert.equal(accepts(defaults, 'OPTIONS', '/api', 'localhost'), true);
});

test('extractHost follows net.SplitHostPort', () => {
  const cases: [string, string][] = [
    ['localhost:8001', 'localhost'],
    ['localhost', 'localhost'],
    ['localhost:', 'localhost'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]:8001', '::1'],
    ['[::1]', '[::1]'],
    ['::1', '::1'],
    ['a:b:c', 'a:b:c'],
    ['[::1]x:80', '[::1]x:80'],
    ['a]b:80', 'a]b:80'],
  ];
  for (const [header, host] of cases) assert.equal(extractHost(header), host, header);
});

test('patterns Go refuses fail in its words; Go flag groups compile', () => {
  const cases: [string, string][] = [
    ['(', 'error parsing regexp: missing closing ): `(`'],
    ['a)', 'error parsing regexp: unexpected ): `a)`'],
    ['[a', 'error parsing regexp: missing closing ]: `[a`'],
    ['*', 'error parsing regexp: missing argument to repetition operator: `*`'],
    ['\\', 'error parsing regexp: trailing backslash at end of expression: ``'],
  ];
  for (const [pattern, message] of cases) assert.throws(() => compileRegexp(pattern), (e: unknown) => e instanceof RegexpError && e.message === message, pattern);
  assert.equal(compileRegexp('(?i)^LOCALHOST$').test('localhost'), true);
  // The list is compiled in upstream's order: accept-paths is reported before accept-hosts.
  assert.throws(() => compileFilter({ acceptPaths: '(', rejectPaths: '', acceptHosts: '[', rejectMethods: '' }), /missing closing \)/);
});
