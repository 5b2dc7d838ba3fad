// A pod's hostname and DNS domain (GeneratePodHostNameAndDomain), shared by the sandbox config and
// the managed /etc/hosts file.
import type { Pod } from '../../api/generated/core/v1.js';
import { ContainerConfigError } from './errors.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOSTNAME_MAX = 63;

/** Cuts a hostname to 63 characters without leaving a trailing `-` or `.`. */
function truncate(podName: string, hostname: string): string {
  if (hostname.length <= HOSTNAME_MAX) return hostname;
  const cut = hostname.slice(0, HOSTNAME_MAX).replace(/[-.]+$/, '');
  if (!cut) throw new ContainerConfigError(`hostname for pod "${podName}" was invalid: "${hostname}"`);
  return cut;
}

/**
 * `spec.hostname` or the pod name (at most 63 characters), and with `spec.subdomain` the domain
 * `<subdomain>.<namespace>.svc.<clusterDomain>` (else empty).
 */
export function podHostnameAndDomain(pod: Pod, clusterDomain = 'cluster.local'): { hostname: string; domain: string } {
  const name = pod.metadata?.name ?? '';
  const spec = pod.spec;
  let hostname = name;
  if (spec?.hostname) {
    if (spec.hostname.length > HOSTNAME_MAX || !DNS1123_LABEL.test(spec.hostname)) {
      throw new ContainerConfigError(`pod Hostname "${spec.hostname}" is not a valid DNS label`);
    }
    hostname = spec.hostname;
  }
  hostname = truncate(name, hostname);
  let domain = '';
  if (spec?.subdomain) {
    if (spec.subdomain.length > HOSTNAME_MAX || !DNS1123_LABEL.test(spec.subdomain)) {
      throw new ContainerConfigError(`pod Subdomain "${spec.subdomain}" is not a valid DNS label`);
    }
    domain = `${spec.subdomain}.${pod.metadata?.namespace ?? ''}.svc.${clusterDomain}`;
  }
  return { hostname, domain };
}

/**
 * GetNodenameForKernel: the name the sandbox's UTS namespace gets, the FQDN when
 * `setHostnameAsFQDN` (which must fit the kernel's 64-byte limit).
 */
export function kernelHostname(pod: Pod, clusterDomain = 'cluster.local'): string {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  if (pod.spec?.setHostnameAsFQDN !== true || !domain) return hostname;
  const fqdn = `${hostname}.${domain}`;
  if (fqdn.length > 64) {
    throw new ContainerConfigError(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`);
  }
  return fqdn;
}
