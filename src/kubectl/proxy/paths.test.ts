import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanPath, escapePath, goClean, joinSlash, parseTarget, route, unescapePath, type Prefixes, type Route } from './paths.js';

test('cleanPath and path.Clean as Go', () => {
  const cases: [string, string][] = [['', '/'], ['/', '/'], ['a', '/a'], ['/a//b', '/a/b'], ['/a/./b/', '/a/b/'], ['/a/../b', '/b'], ['/..', '/'], ['/a/b/..', '/a'], ['//', '/']];
  for (const [p, want] of cases) assert.equal(cleanPath(p), want, p);
  assert.equal(goClean(''), '.');
  assert.equal(goClean('/a/'), '/a');
});

test('path escaping and unescaping as Go url', () => {
  assert.equal(escapePath('/a b/ü/x?y#z'), '/a%20b/%C3%BC/x%3Fy%23z');
  assert.equal(escapePath("/$&+,:;=@-_.~!*'()"), "/$&+,:;=@-_.~%21%2A%27%28%29");
  assert.equal(unescapePath('/a%2Fb+c'), '/a/b+c');
  assert.equal(unescapePath('/%C3%BC'), '/ü');
  assert.equal(unescapePath('/%zz'), undefined);
  assert.deepEqual(parseTarget('/a%20b?x=1&y'), { rawPath: '/a%20b', path: '/a b', rawQuery: 'x=1&y' });
  assert.deepEqual(parseTarget('http://h:1/p?q'), { rawPath: '/p', path: '/p', rawQuery: 'q' });
  assert.equal(joinSlash('/base/', '/api'), '/base/api');
  assert.equal(joinSlash('/base', 'api'), '/base/api');
});

const at = (url: string, prefixes: Prefixes, method = 'GET'): Route => route(method, parseTarget(url)!, prefixes);

test('routing with the default prefix: everything is the API, dirty paths redirect', () => {
  const p = { api: '/' };
  assert.deepEqual(at('/api/v1/pods?watch=1', p), { kind: 'api', path: '/api/v1/pods', forwardPath: '/api/v1/pods' });
  assert.deepEqual(at('/', p), { kind: 'api', path: '', forwardPath: '/' });
  assert.deepEqual(at('/api/x%2Fy', p), { kind: 'api', path: '/api/x/y', forwardPath: '/api/x%2Fy' });
  assert.deepEqual(at('/x//y?a=1', p), { kind: 'redirect', location: '/x/y?a=1' });
  assert.deepEqual(at('/api/v1/../v1', p), { kind: 'redirect', location: '/api/v1' });
  assert.deepEqual(at('/x//y', p, 'CONNECT'), { kind: 'api', path: '/x//y', forwardPath: '/x//y' });
});

test('routing with a custom API prefix and static files', () => {
  const p = { api: '/custom/', static: '/static/' };
  assert.deepEqual(at('/custom/api/v1', p), { kind: 'api', path: '/api/v1', forwardPath: '/api/v1' });
  assert.deepEqual(at('/custom/api/a%20b', p), { kind: 'api', path: '/api/a b', forwardPath: '/api/a%20b' });
  assert.deepEqual(at('/custom/', p), { kind: 'api', path: '', forwardPath: '/' });
  assert.deepEqual(at('/custom?x=1', p), { kind: 'redirect', location: '/custom/?x=1' });
  assert.deepEqual(at('/static', p), { kind: 'redirect', location: '/static/' });
  assert.deepEqual(at('/static/', p), { kind: 'static', path: '/' });
  assert.deepEqual(at('/static/sub/a.txt', p), { kind: 'static', path: '/sub/a.txt' });
  assert.deepEqual(at('/api', p), { kind: 'notFound' });
});

test('an API prefix starting with /api is not stripped (upstream forwards the path whole)', () => {
  const p = { api: '/api/' };
  assert.deepEqual(at('/api/v1/pods', p), { kind: 'api', path: '/api/v1/pods', forwardPath: '/api/v1/pods' });
  assert.deepEqual(at('/apis/apps/v1', p), { kind: 'notFound' });
  assert.deepEqual(at('/api', p), { kind: 'redirect', location: '/api/' });
});
