/**
 * The API server's HTTP front: authentication, authorization, and routing to discovery, OpenAPI,
 * health, metrics, version and the resource handler. Every error leaves as a Kubernetes Status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound, statusError, unauthorized } from '../api/errors.js';
import type { Logger } from '../util/log.js';
import { impersonate } from './auth/impersonate.js';
import type { ServiceAccountTokens } from './auth/sa-tokens.js';
import { forbiddenError, type Authenticator, type Authorizer, type UserInfo } from './auth.js';
import { aggregatedDiscovery, legacyGroup, legacyGroupList, legacyVersions, resourceList } from './discovery.js';
import { requestInfo, type RequestInfo } from './http/request-info.js';
import { sendError, sendJson, sendText, toApiError, wantsAggregatedDiscovery } from './http/respond.js';
import type { ApiMetrics } from './metrics.js';
import type { OpenApiV3 } from './openapi.js';
import type { OpenApiV2 } from './openapi-v2.js';
import type { Registry } from './registry.js';
import type { RestHandler } from './rest/handler.js';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-k8ts',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-22T00:00:00Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export interface FrontDeps {
  registry: Registry;
  rest: RestHandler;
  openapi: OpenApiV3;
  /** /openapi/v2 for kubectl before 1.30; absent, those paths answer 404. */
  openapiV2?: OpenApiV2;
  authn: Authenticator;
  authz: Authorizer;
  metrics: ApiMetrics;
  log: Logger;
  /** host:port clients reach us on (legacy discovery's serverAddressByClientCIDRs). */
  serverAddress: string;
  ready: () => boolean;
  /** The ServiceAccount token issuer, published at /.well-known/openid-configuration and /openid/v1/jwks. */
  serviceAccountIssuer?: { tokens: ServiceAccountTokens; jwksUri: string };
  extraMetrics?: () => Record<string, number>;
}

const DISCOVERY_TYPE = (v: string) => `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;

export function createRequestListener(d: FrontDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    let verb = (req.method ?? 'GET').toLowerCase();
    let group = '';
    let resource = '';
    res.on('finish', () => {
      d.metrics.observe(verb, group, resource, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    const done = (e?: unknown) => {
      if (e === undefined) return;
      const err = toApiError(e);
      // Answered before the body was read (e.g. 413): this connection cannot carry another request.
      if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
      if (err.code >= 500) d.log.error('request failed', { method: req.method, url: req.url, error: e instanceof Error ? (e.stack ?? e.message) : JSON.stringify(e) });
      sendError(res, err);
    };
    try {
      const url = new URL(req.url ?? '/', 'https://k8ts.invalid');
      const info = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
      verb = info.verb;
      // Only served resources name a metric series: anything else would let clients invent series.
      if (info.isResourceRequest && d.registry.lookup(info.group, info.version, info.resource)) {
        group = info.group;
        resource = info.resource;
      }
      const user = admit(d, req, info, info.isResourceRequest ? info.verb : verb);
      if (info.isResourceRequest) {
        d.rest.handle(req, res, info, url.searchParams, user).catch(done);
        return;
      }
      serveNonResource(d, req, res, info.path);
    } catch (e) {
      done(e);
    }
  };
}

/**
 * Authenticates the request and authorizes `verb` on what it addresses; throws 401 or 403 (with
 * upstream's Forbidden wording). Shared by plain requests and connection upgrades.
 */
export function admit(d: Pick<FrontDeps, 'authn' | 'authz'>, req: IncomingMessage, info: RequestInfo, verb: string): UserInfo {
  const requester = d.authn.authenticate(req);
  if (!requester) throw unauthorized();
  // Impersonation headers, once allowed, make the request act as the user they name.
  const user = impersonate(requester, req.headersDistinct, d.authz);
  const attrs = {
    user,
    verb,
    group: info.group,
    resource: info.resource,
    subresource: info.subresource || undefined,
    namespace: info.namespace || undefined,
    name: info.name || undefined,
    path: info.path,
    resourceRequest: info.isResourceRequest,
  };
  const decision = d.authz.authorize(attrs);
  if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  return user;
}

function serveNonResource(d: FrontDeps, req: IncomingMessage, res: ServerResponse, path: string): void {
  const accept = req.headers.accept;
  switch (path) {
    case '/version':
      return sendJson(res, 200, VERSION_INFO);
    case '/healthz':
    case '/livez':
    case '/healthz/ping':
    case '/livez/ping':
      return sendText(res, 200, 'ok');
    case '/readyz':
      return d.ready() ? sendText(res, 200, 'ok') : sendText(res, 503, 'readyz check failed: the watch cache is loading');
    case '/metrics':
      return sendText(res, 200, d.metrics.render(d.extraMetrics?.()));
    case '/api': {
      const agg = wantsAggregatedDiscovery(accept);
      if (agg) return sendJson(res, 200, aggregatedDiscovery(d.registry, true, agg), DISCOVERY_TYPE(agg));
      return sendJson(res, 200, legacyVersions(d.serverAddress));
    }
    case '/apis': {
      const agg = wantsAggregatedDiscovery(accept);
      if (agg) return sendJson(res, 200, aggregatedDiscovery(d.registry, false, agg), DISCOVERY_TYPE(agg));
      return sendJson(res, 200, legacyGroupList(d.registry));
    }
    case '/openapi/v3':
      return sendJson(res, 200, d.openapi.root());
    case '/openapi/v2':
    case '/swagger-2.0.0.pb-v1':
      if (d.openapiV2) return d.openapiV2.serve(req, res, path === '/swagger-2.0.0.pb-v1');
      break;
    case '/.well-known/openid-configuration':
      if (d.serviceAccountIssuer) return sendJson(res, 200, d.serviceAccountIssuer.tokens.discovery(d.serviceAccountIssuer.jwksUri));
      break;
    case '/openid/v1/jwks':
      if (d.serviceAccountIssuer) return sendJson(res, 200, d.serviceAccountIssuer.tokens.jwks(), 'application/jwk-set+json');
      break;
    case '/':
      return sendJson(res, 200, { paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/metrics', '/openapi/v2', '/openapi/v3', '/openid/v1/jwks', '/readyz', '/version', '/.well-known/openid-configuration'] });
  }
  if (path.startsWith('/openapi/v3/')) {
    const doc = d.openapi.document(path.slice('/openapi/v3/'.length));
    if (!doc) throw notFound({ group: '', resource: 'openapi' }, path);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': doc.body.length, ETag: `"${doc.hash}"`, 'Cache-Control': 'public, immutable', Expires: new Date(Date.now() + 365 * 86400_000).toUTCString() });
    res.end(doc.body);
    return;
  }
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (m) {
    const g = m[1] ?? '';
    const body = m[2] ? resourceList(d.registry, g, m[2]) : legacyGroup(d.registry, g);
    if (body) return sendJson(res, 200, body);
  }
  if (path === '/api/v1') {
    const body = resourceList(d.registry, '', 'v1');
    if (body) return sendJson(res, 200, body);
  }
  if (path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/')) return sendText(res, 200, 'ok');
  throw statusError(404, 'NotFound', 'the server could not find the requested resource');
}
