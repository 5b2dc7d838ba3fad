/**
 * Responses the proxy makes itself, shaped as Go's net/http writes them (http.Error, http.Redirect,
 * the file server's bare redirects), and how header lists are written: canonical names, sorted,
 * then `Date` and `Content-Length` as Go's server adds them. The same reply can go to a normal
 * response or, for an upgrade request, straight onto the socket.
 */
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Header name/value pairs, in the order they are written. */
export type HeaderList = [string, string][];

/** A complete response: status, the handler's headers, body. */
export interface Reply {
  status: number;
  headers: HeaderList;
  body: Buffer | string;
}

/** Where Go's StatusText words a code differently from Node's table. */
const GO_STATUS_TEXT: Record<number, string> = { 413: 'Request Entity Too Large', 414: 'Request URI Too Long', 416: 'Requested Range Not Satisfiable' };

/** Go's StatusText ('' for a code it does not know). */
export const statusText = (code: number): string => GO_STATUS_TEXT[code] ?? STATUS_CODES[code] ?? '';

/** textproto.CanonicalMIMEHeaderKey: `content-type` → `Content-Type` (names with odd bytes are left alone). */
export function canonicalKey(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** http.Error: a plain-text body of the message and a newline. */
export function goError(status: number, message: string): Reply {
  return {
    status,
    headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']],
    body: `${message}\n`,
  };
}

/** http.Error with the status's own words (`Forbidden`, `404 page not found` is {@link notFound}). */
export const statusError = (status: number): Reply => goError(status, statusText(status));

/** http.NotFound. */
export const notFound = (): Reply => goError(404, '404 page not found');

const htmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c] ?? c);

/** http.Redirect to an absolute path: HTML body on GET, Content-Type on GET and HEAD only. */
export function goRedirect(method: string, location: string, status = 301): Reply {
  const headers: HeaderList = [];
  if (method === 'GET' || method === 'HEAD') headers.push(['Content-Type', 'text/html; charset=utf-8']);
  headers.push(['Location', location]);
  const body = method === 'GET' ? `<a href="${htmlEscape(location)}">${statusText(status)}</a>.\n\n` : '';
  return { status, headers, body };
}

/** The file server's localRedirect: only a Location (relative), no body. */
export function localRedirect(location: string, rawQuery: string): Reply {
  return { status: 301, headers: [['Location', rawQuery === '' ? location : `${location}?${rawQuery}`]], body: '' };
}

/** Go's server sorts a handler's headers by name (values keep their order). */
export function sortHeaders(headers: HeaderList): HeaderList {
  return headers.map((h, i) => [h, i] as const).sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j)).map(([h]) => h);
}

const has = (headers: HeaderList, name: string) => headers.some(([k]) => k.toLowerCase() === name.toLowerCase());

/** The header list Go's server writes for a reply whose length is known. */
function finalHeaders(method: string, reply: Reply): HeaderList {
  const out = sortHeaders(reply.headers);
  if (!has(out, 'Date')) out.push(['Date', new Date().toUTCString()]);
  const noBody = reply.status === 204 || reply.status === 304 || (reply.status >= 100 && reply.status < 200);
  // Go's server counts what the handler wrote; an answer to HEAD that wrote nothing gets no length.
  const length = Buffer.byteLength(reply.body);
  if (!noBody && !has(out, 'Content-Length') && (length > 0 || method !== 'HEAD')) out.push(['Content-Length', String(length)]);
  return out;
}

/** Writes a reply to a normal response. */
export function sendReply(res: ServerResponse, method: string, reply: Reply): void {
  res.sendDate = false;
  res.writeHead(reply.status, statusText(reply.status), finalHeaders(method, reply).flat());
  res.end(method === 'HEAD' ? undefined : reply.body);
}

/** Writes a reply onto a raw socket (an upgrade request the proxy answers itself) and closes it (Go keeps it open; a client just reconnects). */
export function writeRawReply(socket: Duplex, method: string, reply: Reply): void {
  const head = [`HTTP/1.1 ${reply.status} ${statusText(reply.status)}`, ...finalHeaders(method, reply).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(reply.body)]));
}

/** Go's server's own answer to a request it cannot parse (a malformed escape in the path), closing the connection. */
export function badRequest(socket: Duplex): void {
  socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request');
}
