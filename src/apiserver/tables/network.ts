// Tables of Services and networking: Service, Endpoints, EndpointSlice, Ingress, IngressClass and
// NetworkPolicy.
import { arr, get, int, obj, objs, optInt, optStr, str, strMap } from '../../api/printing/access.js';
import { AGE, NAME, s } from './columns.js';
import { DESCRIPTIONS as D } from './descriptions.js';
import { ageOf, formatLabelSelector, formatLabels, listWithMore, nameOf } from '../../api/printing/format.js';
import type { TableConvertor } from './types.js';

const strings = (v: unknown[]): string[] => v.filter((x): x is string => typeof x === 'string');

/** Sorted, de-duplicated IPs (else hostnames) of load-balancer ingress points, comma-joined. */
function loadBalancerAddresses(ingress: Record<string, unknown>[]): string {
  const set = new Set<string>();
  for (const e of ingress) {
    const addr = str(e, 'ip') || str(e, 'hostname');
    if (addr !== '') set.add(addr);
  }
  // The API server renders wide, so upstream's 16-character clipping never applies here.
  return [...set].sort().join(',');
}

function serviceType(svc: unknown): string {
  // v1 defaulting makes an unset type ClusterIP.
  return str(svc, 'spec', 'type') || 'ClusterIP';
}

/** Upstream `getServiceExternalIP` (wide). */
function externalIP(svc: Record<string, unknown>): string {
  const externalIPs = strings(arr(svc, 'spec', 'externalIPs'));
  switch (serviceType(svc)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(objs(svc, 'status', 'loadBalancer', 'ingress'));
      if (externalIPs.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...externalIPs].join(',');
      return lb !== '' ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(svc, 'spec', 'externalName');
    default:
      return '<unknown>';
  }
}

/** Upstream `makePortString`: "80/TCP" or "80:30080/TCP", comma-joined. */
function servicePorts(svc: unknown): string {
  const pieces = objs(svc, 'spec', 'ports').map((p) => {
    const protocol = str(p, 'protocol') || 'TCP';
    const nodePort = int(p, 'nodePort');
    return nodePort > 0 ? `${int(p, 'port')}:${nodePort}/${protocol}` : `${int(p, 'port')}/${protocol}`;
  });
  return pieces.length === 0 ? '<none>' : pieces.join(',');
}

/** Service: Type, Cluster-IP, External-IP, Port(s). */
export const serviceTable: TableConvertor = {
  columns: [NAME, s('Type', D.svcType), s('Cluster-IP', D.svcClusterIP), s('External-IP', D.svcExternalIPs), s('Port(s)', D.svcPorts), AGE, s('Selector', D.svcSelector, true)],
  cells: (o, now) => {
    // v1 → internal conversion fills clusterIPs from clusterIP.
    const clusterIP = strings(arr(o, 'spec', 'clusterIPs'))[0] || str(o, 'spec', 'clusterIP') || '<none>';
    return [nameOf(o), serviceType(o), clusterIP, externalIP(o), servicePorts(o), ageOf(o, now), formatLabels(strMap(o, 'spec', 'selector'))];
  },
};

/** `net.JoinHostPort`: IPv6 addresses are bracketed. */
const joinHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** Upstream `formatEndpoints`: up to three `ip:port`, then ` + N more...`; `<none>` without subsets. */
function formatEndpoints(ep: unknown): string {
  const subsets = objs(ep, 'subsets');
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addresses = objs(ss, 'addresses');
    const ports = objs(ss, 'ports');
    // Headless services may have addresses without ports.
    const targets = ports.length === 0 ? [undefined] : ports.map((p) => int(p, 'port'));
    for (const port of targets) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(port === undefined ? str(a, 'ip') : joinHostPort(str(a, 'ip'), port));
      }
    }
  }
  return more ? `${list.join(',')} + ${count - max} more...` : list.join(',');
}

/** Endpoints: Endpoints "10.0.0.1:80,10.0.0.2:80". */
export const endpointsTable: TableConvertor = {
  columns: [NAME, s('Endpoints', D.epSubsets), AGE],
  cells: (o, now) => [nameOf(o), formatEndpoints(o), ageOf(o, now)],
};

/** EndpointSlice: AddressType, Ports, Endpoints. */
export const endpointSliceTable: TableConvertor = {
  columns: [NAME, s('AddressType', D.epsAddressType), s('Ports', D.epsPorts), s('Endpoints', D.epsEndpoints), AGE],
  cells: (o, now) => {
    const ports = objs(o, 'ports').map((p) => {
      const port = optInt(p, 'port');
      return port !== undefined ? String(port) : (optStr(p, 'name') ?? '*');
    });
    const addresses = objs(o, 'endpoints').flatMap((e) => strings(arr(e, 'addresses')));
    return [nameOf(o), str(o, 'addressType'), listWithMore(ports, 3), listWithMore(addresses, 3), ageOf(o, now)];
  },
};

/** Upstream `formatHosts`: up to three rule hosts, `*` when none. */
function formatHosts(rules: Record<string, unknown>[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    const host = str(rule, 'host');
    if (!more && host !== '') list.push(host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

/** Ingress: Class, Hosts, Address, Ports ("80" or "80, 443"). */
export const ingressTable: TableConvertor = {
  columns: [
    NAME,
    s('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
    s('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    s('Address', 'Address is a list containing ingress points for the load-balancer'),
    s('Ports', 'Ports of TLS configurations that open'),
    AGE,
  ],
  cells: (o, now) => [
    nameOf(o),
    optStr(o, 'spec', 'ingressClassName') ?? '<none>',
    formatHosts(objs(o, 'spec', 'rules')),
    loadBalancerAddresses(objs(o, 'status', 'loadBalancer', 'ingress')),
    arr(o, 'spec', 'tls').length !== 0 ? '80, 443' : '80',
    ageOf(o, now),
  ],
};

/** IngressClass: Controller, Parameters ("Kind.group/name"). */
export const ingressClassTable: TableConvertor = {
  columns: [
    NAME,
    s('Controller', 'Controller that is responsible for handling this class'),
    s('Parameters', 'A reference to a resource with additional parameters'),
    AGE,
  ],
  cells: (o, now) => {
    const p = get(o, 'spec', 'parameters');
    let parameters = '<none>';
    if (p !== undefined && p !== null) {
      const group = optStr(p, 'apiGroup');
      parameters = `${str(p, 'kind')}${group === undefined ? '' : `.${group}`}/${str(p, 'name')}`;
    }
    return [nameOf(o), str(o, 'spec', 'controller'), parameters, ageOf(o, now)];
  },
};

/** NetworkPolicy: Pod-Selector. */
export const networkPolicyTable: TableConvertor = {
  columns: [NAME, s('Pod-Selector', D.npPodSelector), AGE],
  cells: (o, now) => [nameOf(o), formatLabelSelector(obj(o, 'spec', 'podSelector')), ageOf(o, now)],
};
