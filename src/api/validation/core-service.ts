// Service validation on create and update (ValidateService, ValidateServiceUpdate), plus the
// NodePort range check kube-apiserver's allocator makes (30000-32767 unless configured).
import { field, type FieldError } from '../errors.js';
import type { Service, ServicePort } from '../generated/core/v1.js';
import { validatePortNumOrName } from './core-container.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isIPv6String, isQualifiedName, isValidCIDR, isValidIP, isValidPortNum, nameIsDNS1035Label, nonSpecialIPErrors } from './names.js';

const SPEC = field.path('spec');
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITY = ['ClientIP', 'None'];
const FAMILIES = ['IPv4', 'IPv6'];
const FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const MAX_CLIENT_IP_SECONDS = 86400;

/** Options of {@link validateService}. */
export interface ServiceValidationOptions {
  /** The NodePort range (kube-apiserver --service-node-port-range); 30000-32767 by default. */
  nodePortRange?: { base: number; size: number };
}

const isHeadless = (s: Service): boolean => (s.spec?.clusterIPs ?? []).length === 1 && s.spec?.clusterIPs?.[0] === 'None';
const externallyAccessible = (s: Service): boolean =>
  s.spec?.type === 'LoadBalancer' || s.spec?.type === 'NodePort' || (s.spec?.type === 'ClusterIP' && (s.spec.externalIPs ?? []).length > 0);

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, i: number): FieldError[] {
  const p = SPEC.child('ports').index(i);
  const errs: FieldError[] = [];
  const name = sp.name ?? '';
  if (requireName && name === '') errs.push(field.required(p.child('name')));
  else if (name !== '') {
    errs.push(...isDNS1123Label(name).map((m) => field.invalid(p.child('name'), name, m)));
    if (names.has(name)) errs.push(field.duplicate(p.child('name'), name));
    else names.add(name);
  }
  errs.push(...isValidPortNum(sp.port ?? 0).map((m) => field.invalid(p.child('port'), sp.port ?? 0, m)));
  const proto = sp.protocol ?? '';
  if (proto === '') errs.push(field.required(p.child('protocol')));
  else if (!PROTOCOLS.includes(proto)) errs.push(field.notSupported(p.child('protocol'), proto, PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort, p.child('targetPort')));
  if (sp.appProtocol !== undefined) errs.push(...isQualifiedName(sp.appProtocol).map((m) => field.invalid(p.child('appProtocol'), sp.appProtocol, m)));
  return errs;
}

function validateClusterIPs(s: Service): FieldError[] {
  const spec = s.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ipsPath = SPEC.child('clusterIPs');
  const ips = spec.clusterIPs ?? [];
  if ((spec.clusterIP ?? '') !== '') {
    if (ips.length === 0) errs.push(field.required(ipsPath));
    else if (ips[0] !== spec.clusterIP) errs.push(field.invalid(ipsPath, ips, 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(field.invalid(ipsPath, ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (!FAMILIES.includes(f)) errs.push(field.notSupported(SPEC.child('ipFamilies').index(i), f, FAMILIES));
    if (seen.has(f)) errs.push(field.duplicate(SPEC.child('ipFamilies').index(i), f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && !FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(field.notSupported(SPEC.child('ipFamilyPolicy'), spec.ipFamilyPolicy, FAMILY_POLICIES));
  }
  let invalid = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        invalid = true;
        errs.push(field.invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const msgs = isValidIP(ip);
    if (msgs.length > 0) invalid = true;
    errs.push(...msgs.map((m) => field.invalid(ipsPath.index(i), ip, m)));
  });
  if (ips.length > 2) errs.push(field.invalid(ipsPath, ips, 'may only hold up to 2 values'));
  if (invalid) return errs;
  if (ips.length > 1 && isIPv6String(ips[0] ?? '') === isIPv6String(ips[1] ?? '')) {
    errs.push(field.invalid(ipsPath, ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(s)) {
    const fams = spec.ipFamilies ?? [];
    ips.forEach((ip, i) => {
      if (i >= fams.length) return;
      if (fams[i] === 'IPv4' && isIPv6String(ip)) errs.push(field.invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fams[i] === 'IPv6' && !isIPv6String(ip)) errs.push(field.invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** ValidateService (create; update adds the rules of {@link validateServiceUpdate}). */
export function validateService(s: Service, opts: ServiceValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(s.metadata, { namespaced: true, nameRule: nameIsDNS1035Label });
  const spec = s.spec ?? {};
  const ports = spec.ports ?? [];
  const type = spec.type ?? '';
  if (ports.length === 0 && !isHeadless(s) && type !== 'ExternalName') errs.push(field.required(SPEC.child('ports')));
  if (type === 'LoadBalancer' && isHeadless(s)) errs.push(field.invalid(SPEC.child('clusterIPs').index(0), 'None', "may not be set to 'None' for LoadBalancer services"));
  if (type === 'NodePort' && isHeadless(s)) errs.push(field.invalid(SPEC.child('clusterIPs').index(0), 'None', "may not be set to 'None' for NodePort services"));
  if (type === 'ExternalName') {
    if ((spec.clusterIPs ?? []).length > 0) errs.push(field.forbidden(SPEC.child('clusterIPs'), 'may not be set for ExternalName services'));
    if ((spec.ipFamilies ?? []).length > 0) errs.push(field.forbidden(SPEC.child('ipFamilies'), 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined) errs.push(field.forbidden(SPEC.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    const cname = (spec.externalName ?? '').replace(/\.$/, '');
    if (cname !== '') errs.push(...isDNS1123Subdomain(cname).map((m) => field.invalid(SPEC.child('externalName'), cname, m)));
    else errs.push(field.required(SPEC.child('externalName')));
  }
  const names = new Set<string>();
  ports.forEach((sp, i) => errs.push(...validateServicePort(sp, ports.length > 1, names, i)));
  if (spec.selector) errs.push(...validateLabels(spec.selector, SPEC.child('selector')));
  const affinity = spec.sessionAffinity ?? '';
  if (affinity === '') errs.push(field.required(SPEC.child('sessionAffinity')));
  else if (!SESSION_AFFINITY.includes(affinity)) errs.push(field.notSupported(SPEC.child('sessionAffinity'), affinity, SESSION_AFFINITY));
  const sac = SPEC.child('sessionAffinityConfig');
  if (affinity === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (!spec.sessionAffinityConfig) errs.push(field.required(sac, 'when session affinity type is ClientIP'));
    else if (!spec.sessionAffinityConfig.clientIP) errs.push(field.required(sac.child('clientIP'), 'when session affinity type is ClientIP'));
    else if (t === undefined) errs.push(field.required(sac.child('clientIP').child('timeoutSeconds'), 'when session affinity type is ClientIP'));
    else if (t <= 0 || t > MAX_CLIENT_IP_SECONDS) {
      errs.push(field.invalid(sac.child('clientIP').child('timeoutSeconds'), t, `must be greater than 0 and less than ${MAX_CLIENT_IP_SECONDS}`));
    }
  } else if (affinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(field.forbidden(sac, 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPs(s));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const msgs = isValidIP(ip);
    const ip0 = SPEC.child('externalIPs').index(i);
    if (msgs.length > 0) errs.push(...msgs.map((m) => field.invalid(ip0, ip, m)));
    else errs.push(...nonSpecialIPErrors(ip).map((m) => field.invalid(ip0, ip, m)));
  });
  if (type === '') errs.push(field.required(SPEC.child('type')));
  else if (!TYPES.includes(type)) errs.push(field.notSupported(SPEC.child('type'), type, TYPES));
  if (type === 'ClusterIP') {
    ports.forEach((sp, i) => {
      if ((sp.nodePort ?? 0) !== 0) errs.push(field.forbidden(SPEC.child('ports').index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((sp, i) => {
    const pp = SPEC.child('ports').index(i);
    const np = sp.nodePort ?? 0;
    if (np !== 0) {
      const key = `${sp.protocol ?? ''}/${np}`;
      if (nodePorts.has(key)) errs.push(field.duplicate(pp.child('nodePort'), np));
      nodePorts.add(key);
      const range = opts.nodePortRange ?? { base: 30000, size: 2768 };
      if (type !== 'ClusterIP' && (np < range.base || np >= range.base + range.size)) {
        errs.push(
          field.invalid(pp.child('nodePort'), np, `provided port is not in the valid range. The range of valid ports is ${range.base}-${range.base + range.size - 1}`),
        );
      }
    }
    const key = `${sp.protocol ?? ''}/${sp.port ?? 0}`;
    if (portKeys.has(key)) errs.push(field.duplicate(pp, { port: sp.port ?? 0, protocol: sp.protocol ?? '' }));
    portKeys.add(key);
  });
  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length > 0) {
    const rp = SPEC.child('LoadBalancerSourceRanges');
    if (type !== 'LoadBalancer') errs.push(field.forbidden(rp, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...isValidCIDR(r.trim()).map((m) => field.invalid(rp.index(i), r.trim(), m))));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && type !== 'LoadBalancer') {
    errs.push(field.forbidden(SPEC.child('allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) errs.push(field.required(field.path('allocateLoadBalancerNodePorts')));
  if (spec.loadBalancerClass !== undefined) {
    if (type === 'LoadBalancer') {
      errs.push(...isQualifiedName(spec.loadBalancerClass).map((m) => field.invalid(SPEC.child('loadBalancerClass'), spec.loadBalancerClass, m)));
    } else errs.push(field.forbidden(SPEC.child('loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'"));
  }
  const etp = spec.externalTrafficPolicy ?? '';
  if (!externallyAccessible(s)) {
    if (etp !== '') errs.push(field.invalid(SPEC.child('externalTrafficPolicy'), etp, 'may only be set for externally-accessible services'));
  } else if (etp === '') errs.push(field.required(SPEC.child('externalTrafficPolicy')));
  else if (!['Cluster', 'Local'].includes(etp)) errs.push(field.notSupported(SPEC.child('externalTrafficPolicy'), etp, ['Cluster', 'Local']));
  const needsHealthCheck = type === 'LoadBalancer' && etp === 'Local';
  const hc = spec.healthCheckNodePort ?? 0;
  if (!needsHealthCheck && hc !== 0) {
    errs.push(field.invalid(SPEC.child('healthCheckNodePort'), hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  }
  if (spec.internalTrafficPolicy === undefined) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(field.required(SPEC.child('internalTrafficPolicy')));
  } else if (!['Cluster', 'Local'].includes(spec.internalTrafficPolicy)) {
    errs.push(field.notSupported(SPEC.child('internalTrafficPolicy'), spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== 'PreferClose') {
    errs.push(field.notSupported(SPEC.child('trafficDistribution'), spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

/** ValidateServiceUpdate: clusterIPs and ipFamilies may not change once set (except to/from ExternalName). */
export function validateServiceUpdate(s: Service, old: Service, opts: ServiceValidationOptions = {}): FieldError[] {
  const errs = validateObjectMetaUpdate(s.metadata, old.metadata);
  const external = s.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName';
  if (!external && !(isHeadless(s) && isHeadless(old))) {
    const n = s.spec?.clusterIPs ?? [];
    const o = old.spec?.clusterIPs ?? [];
    const ipsPath = field.path('spec', 'clusterIPs');
    if (n.length === o.length) {
      o.forEach((ip, i) => {
        if (ip !== n[i]) errs.push(field.invalid(ipsPath.index(i), n, 'may not change once set'));
      });
    } else if (o.length > n.length) {
      if (n.length === 0) errs.push(field.invalid(ipsPath.index(0), n, 'primary clusterIP can not be unset'));
      if (o.length > 0 && n.length > 0 && n[0] !== o[0]) errs.push(field.invalid(ipsPath.index(0), n, 'may not change once set'));
      if (n.length === 1 && s.spec?.ipFamilyPolicy !== 'SingleStack') {
        errs.push(field.invalid(field.path('spec', 'ipFamilyPolicy'), s.spec?.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (o.length > 0 && n[0] !== o[0]) {
      errs.push(field.invalid(ipsPath.index(0), n, 'may not change once set'));
    }
  }
  if (!external && isHeadless(s) === isHeadless(old) && !isHeadless(s)) {
    const n = s.spec?.ipFamilies ?? [];
    const o = old.spec?.ipFamilies ?? [];
    if (n.length === o.length && o.some((f, i) => f !== n[i])) errs.push(field.invalid(field.path('spec', 'ipFamilies').index(0), n, 'may not change once set'));
  }
  if (s.spec?.type === 'LoadBalancer' && old.spec?.type === 'LoadBalancer' && (s.spec.loadBalancerClass ?? null) !== (old.spec.loadBalancerClass ?? null)) {
    errs.push(field.invalid(field.path('spec', 'loadBalancerClass'), s.spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  errs.push(...validateService(s, opts));
  return errs;
}
