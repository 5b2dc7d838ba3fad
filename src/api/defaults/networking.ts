// networking.k8s.io/v1 defaults (upstream pkg/apis/networking/v1/defaults.go).
import type * as networkingV1 from '../generated/networking/v1.js';

/**
 * NetworkPolicy: every port's protocol TCP; without policyTypes, Ingress, plus Egress when egress
 * rules are given.
 */
export function defaultNetworkPolicy(np: networkingV1.NetworkPolicy): networkingV1.NetworkPolicy {
  const s = np.spec;
  if (!s) return np;
  for (const rule of [...(s.ingress ?? []), ...(s.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= 'TCP';
  }
  if (!s.policyTypes || s.policyTypes.length === 0) {
    s.policyTypes = (s.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  return np;
}
