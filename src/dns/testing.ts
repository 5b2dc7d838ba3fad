/** Fixtures for the DNS tests and benchmark: Service and EndpointSlice objects, and answers as short strings. */
import type { Answer } from 'dns-packet';
import type { Service, ServiceSpec } from '../api/generated/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from '../api/generated/discovery/v1.js';
import { SERVICE_NAME_LABEL } from '../api/endpointslices.js';

/** A Service `namespace/name` with `spec`. */
export function service(namespace: string, name: string, spec: ServiceSpec): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

/** An IPv4 EndpointSlice of Service `namespace/svc`. */
export function slice(namespace: string, svc: string, name: string, endpoints: Endpoint[], ports: EndpointPort[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { [SERVICE_NAME_LABEL]: svc } },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

/** `TYPE data` for one record (SRV: `priority weight port target`), for readable assertions. */
export function show(a: Answer): string {
  switch (a.type) {
    case 'SRV':
      return `SRV ${a.data.priority ?? 0} ${a.data.weight ?? 0} ${a.data.port} ${a.data.target}`;
    case 'SOA':
      return `SOA ${a.data.mname}`;
    case 'TXT':
      return `TXT ${Array.isArray(a.data) ? a.data.map(String).join(' ') : String(a.data)}`;
    case 'OPT':
      return 'OPT';
    default:
      return `${a.type} ${typeof a.data === 'string' ? a.data : JSON.stringify(a.data)}`;
  }
}
