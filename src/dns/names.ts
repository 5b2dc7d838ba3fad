/**
 * Domain-name helpers for the cluster DNS: canonical (lower-case, no trailing dot) names, zone
 * membership, reverse (in-addr.arpa / ip6.arpa) names and the dashed-IP labels of pod records.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** A name as the index keys it: lower case, no trailing dot (DNS compares names case-insensitively). */
export function canonical(name: string): string {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n.toLowerCase();
}

/** True when `name` is `zone` or below it (both canonical). */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** The labels of `name` above `zone`, leaf first (`a.b.zone` → ['a', 'b']); [] for the apex. */
export function labelsAbove(name: string, zone: string): string[] {
  if (name === zone) return [];
  return name.slice(0, name.length - zone.length - 1).split('.');
}

/** Every ancestor of `name` strictly below and including `zone` (`a.b.zone` → b.zone, zone). */
export function ancestors(name: string, zone: string): string[] {
  const out: string[] = [];
  let n = name;
  while (n !== zone) {
    const dot = n.indexOf('.');
    if (dot < 0) break;
    n = n.slice(dot + 1);
    out.push(n);
  }
  return out;
}

/** Expands an IPv6 address to its 32 hex digits. */
function ipv6Nibbles(ip: string): string {
  const [head = '', tail] = ip.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':'));
  let groups = part(head);
  if (tail !== undefined) {
    const t = part(tail);
    groups = [...groups, ...Array<string>(8 - groups.length - t.length).fill('0'), ...t];
  }
  return groups.map((g) => g.padStart(4, '0')).join('').toLowerCase();
}

/** The PTR owner name of an address (`10.96.0.1` → `1.0.96.10.in-addr.arpa`); undefined when not an IP. */
export function reverseName(ip: string): string | undefined {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (isIPv6(ip) && !ip.includes('.')) return `${[...ipv6Nibbles(ip)].reverse().join('.')}.ip6.arpa`;
  return undefined;
}

/** The address a reverse name stands for, or undefined when it is not a complete reverse name. */
export function addressOfReverse(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const parts = name.slice(0, -'.in-addr.arpa'.length).split('.');
    const ip = parts.reverse().join('.');
    return parts.length === 4 && isIPv4(ip) ? ip : undefined;
  }
  if (name.endsWith('.ip6.arpa')) {
    const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((x) => /^[0-9a-f]$/.test(x))) return undefined;
    const hex = nibbles.reverse().join('');
    return hex.match(/.{4}/g)?.join(':');
  }
  return undefined;
}

/** True for a name under in-addr.arpa or ip6.arpa (the reverse trees). */
export function isReverse(name: string): boolean {
  return inZone(name, 'in-addr.arpa') || inZone(name, 'ip6.arpa');
}

/** The label of an address in pod and endpoint names: dots and colons become dashes. */
export function dashed(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

/** The address of a dashed label (`10-244-1-5` → `10.244.1.5`), or undefined when it is none. */
export function undashed(label: string): string | undefined {
  const v4 = label.replace(/-/g, '.');
  if (isIPv4(v4)) return v4;
  const v6 = label.replace(/-/g, ':');
  return isIPv6(v6) ? v6 : undefined;
}

