// Docker-link style environment variables for the services a pod can see (envvars.FromServices).
import { isIPv6 } from 'node:net';
import type { Service } from '../../api/generated/core/v1.js';

/** `my-svc.x` -> `MY_SVC_X`; a leading digit gets a `_` in front. */
export function envVarName(s: string): string {
  const n = s.replace(/[.-]/g, '_').toUpperCase();
  return /^[0-9]/.test(n) ? '_' + n : n;
}

/** IsServiceIPSet: a ClusterIP that is neither empty nor "None" (headless). */
export function hasClusterIP(svc: Service): boolean {
  const ip = svc.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

/**
 * The variables for `services`, in order: `<SVC>_SERVICE_HOST`, `<SVC>_SERVICE_PORT`,
 * `<SVC>_SERVICE_PORT_<NAME>` per named port, `<SVC>_PORT` for the first port, and per port
 * `<SVC>_PORT_<port>_<PROTO>` with `_PROTO`, `_PORT`, `_ADDR`. Services without a ClusterIP are skipped.
 */
export function serviceEnvVars(services: Service[]): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const ports = svc.spec?.ports ?? [];
    const first = ports[0];
    if (!first) continue;
    const ip = svc.spec?.clusterIP ?? '';
    const hostPort = (port: number) => (isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`);
    const prefix = envVarName(svc.metadata?.name ?? '');
    out.push({ name: `${prefix}_SERVICE_HOST`, value: ip });
    out.push({ name: `${prefix}_SERVICE_PORT`, value: String(first.port) });
    for (const p of ports) if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVarName(p.name)}`, value: String(p.port) });
    ports.forEach((p, i) => {
      const proto = p.protocol || 'TCP';
      const url = `${proto.toLowerCase()}://${hostPort(p.port)}`;
      if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
      const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push({ name: pp, value: url });
      out.push({ name: `${pp}_PROTO`, value: proto.toLowerCase() });
      out.push({ name: `${pp}_PORT`, value: String(p.port) });
      out.push({ name: `${pp}_ADDR`, value: ip });
    });
  }
  return out;
}
