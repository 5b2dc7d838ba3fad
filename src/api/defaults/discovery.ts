// discovery.k8s.io/v1 defaults (upstream pkg/apis/discovery/v1/defaults.go).
import type * as discoveryV1 from '../generated/discovery/v1.js';

/** EndpointSlice: each port's name "" and protocol TCP. */
export function defaultEndpointSlice(es: discoveryV1.EndpointSlice): discoveryV1.EndpointSlice {
  for (const p of es.ports ?? []) {
    p.name ??= '';
    p.protocol ??= 'TCP';
  }
  return es;
}
