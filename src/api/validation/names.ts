// Name and format checks with kube-apiserver 1.32's exact wording (apimachinery util/validation):
// each returns the list of problems, empty when the value is valid.

const encoder = new TextEncoder();
/** Go measures strings in bytes; non-ASCII input must count the way upstream counts it. */
export const byteLength = (s: string): number => encoder.encode(s).length;

/** `must be no more than N characters` (upstream MaxLenError). */
export const maxLenError = (n: number): string => `must be no more than ${n} characters`;
/** `must be between lo and hi, inclusive` (upstream InclusiveRangeError). */
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;
/** `must be non-empty` (upstream EmptyError). */
export const emptyError = (): string => 'must be non-empty';

/**
 * Upstream RegexError. It joins examples as `'a', ` + ` or ` + `'b', `, hence the double space
 * before "or" in real messages; clients match on these texts, so we keep it.
 */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_ERR = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_ERR =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_MAP_KEY_ERR = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const ENV_VAR_NAME_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const ENV_VAR_NAME_ERR = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
const RELAXED_ENV_VAR_NAME_ERR = "a valid environment variable name must consist only of printable ASCII characters other than '='";
const HTTP_HEADER_NAME_FMT = '[-A-Za-z0-9]+';
const HTTP_HEADER_NAME_ERR = "a valid HTTP header must consist of alphanumeric characters or '-'";

const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const dns1123LabelRe = anchored(DNS1123_LABEL_FMT);
const dns1123SubdomainRe = anchored(DNS1123_SUBDOMAIN_FMT);
const dns1035LabelRe = anchored(DNS1035_LABEL_FMT);
const qualifiedNameRe = anchored(QUALIFIED_NAME_FMT);
const labelValueRe = anchored(LABEL_VALUE_FMT);
const configMapKeyRe = anchored(CONFIG_MAP_KEY_FMT);
const envVarNameRe = anchored(ENV_VAR_NAME_FMT);
const httpHeaderNameRe = anchored(HTTP_HEADER_NAME_FMT);

/** A DNS (RFC 1123) label: at most 63 characters of `[a-z0-9-]`, alphanumeric at both ends. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(value)) errs.push(regexError(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  return errs;
}

/** A DNS (RFC 1123) subdomain: dot-separated labels, at most 253 characters. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** A DNS (RFC 1035) label: like an RFC 1123 label but starting with a letter (Service names). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1035LabelRe.test(value)) errs.push(regexError(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/** A "qualified name" (label keys, annotation keys, finalizers): optional subdomain prefix, `/`, name ≤ 63. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** A label value: empty, or at most 63 characters of `[-A-Za-z0-9_.]` with alphanumeric ends. */
export function isLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value)) errs.push(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

function chDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** A key of a ConfigMap or Secret (`[-._a-zA-Z0-9]+`, at most 253, not `.`/`..`). */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!configMapKeyRe.test(value)) errs.push(regexError(CONFIG_MAP_KEY_ERR, CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...chDirPrefix(value));
  return errs;
}

/** The strict (pre-1.32) environment variable name rule, IsEnvVarName. */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!envVarNameRe.test(value)) errs.push(regexError(ENV_VAR_NAME_ERR, ENV_VAR_NAME_FMT, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  errs.push(...chDirPrefix(value));
  return errs;
}

/**
 * The relaxed environment variable name rule (IsRelaxedEnvVarName): printable ASCII but `=`.
 * Used because RelaxedEnvironmentVariableValidation is beta, on by default, in 1.32.
 */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push(`environment variable name ${emptyError()}`);
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (c > 0x7e || c < 0x20 || ch === '=') {
      errs.push(RELAXED_ENV_VAR_NAME_ERR);
      break;
    }
  }
  return errs;
}

/** An HTTP header name (`[-A-Za-z0-9]+`). */
export function isHTTPHeaderName(value: string): string[] {
  return httpHeaderNameRe.test(value) ? [] : [regexError(HTTP_HEADER_NAME_ERR, HTTP_HEADER_NAME_FMT, 'X-Header-Name')];
}

/** A port number in 1..65535. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** An integer in lo..hi. */
export function isInRange(value: number, lo: number, hi: number): string[] {
  return value >= lo && value <= hi ? [] : [inclusiveRangeError(lo, hi)];
}

/** A Unix user or group id (0..4294967295). */
export function isValidUserOrGroupID(id: number): string[] {
  return isInRange(id, 0, 0xffffffff);
}

/** An IANA service name (port name): ≤ 15 of `[-a-z0-9]`, a letter, no `--`, no hyphen at the ends. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** Checks a resource name; `prefix` is true for generateName, whose trailing dash is allowed. */
export type NameValidator = (name: string, prefix: boolean) => string[];

// A generateName prefix may end in '-': upstream masks it before checking (maskTrailingDash).
const maskTrailingDash = (name: string): string => (name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name);

/** NameIsDNSSubdomain: most kinds (Pod, ConfigMap, Secret, Node, ...). */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
/** NameIsDNSLabel: Namespace names. */
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
/** NameIsDNS1035Label: Service names. */
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/**
 * Parses an IP the way Go's ParseIPSloppy does (IPv4 fields may have leading zeros; no zone):
 * 4 bytes for IPv4, 16 for IPv6, null when invalid.
 */
export function parseIP(value: string): Uint8Array | null {
  if (value.includes(':')) return parseIPv6(value);
  return parseIPv4(value);
}

function parseIPv4(value: string): Uint8Array | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : null;
}

function parseIPv6(value: string): Uint8Array | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(value)) return null;
  const halves = value.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      if (p.includes('.')) {
        if (i !== parts.length - 1) return null;
        const v4 = parseIPv4(p);
        if (!v4) return null;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  let all: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return null;
    all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return null;
    all = head;
  }
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** The 4 bytes of an IPv4 or IPv4-mapped IPv6 address (Go's To4), else null. */
function to4(ip: Uint8Array): Uint8Array | null {
  if (ip.length === 4) return ip;
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return null;
  return ip[10] === 0xff && ip[11] === 0xff ? ip.slice(12) : null;
}

/** True when the string is an IPv6 (not IPv4-mapped) address (netutils.IsIPv6String). */
export function isIPv6String(value: string): boolean {
  const ip = parseIP(value);
  return ip !== null && to4(ip) === null;
}

/** IsValidIP's message list. */
export function isValidIP(value: string): string[] {
  return parseIP(value) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

/** IsValidCIDR's message list (ParseCIDRSloppy: `ip/prefix`, prefix within the family's length). */
export function isValidCIDR(value: string): string[] {
  const bad = ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  const slash = value.indexOf('/');
  if (slash < 0) return bad;
  const ip = parseIP(value.slice(0, slash));
  const prefix = value.slice(slash + 1);
  if (!ip || !/^\d+$/.test(prefix) || Number(prefix) > ip.length * 8) return bad;
  return [];
}

/** ValidateNonSpecialIP's messages: no unspecified, loopback or link-local addresses. */
export function nonSpecialIPErrors(value: string): string[] {
  const ip = parseIP(value);
  if (!ip) return ['must be a valid IP address'];
  const errs: string[] = [];
  const v4 = to4(ip);
  const unspecified = ip.every((b) => b === 0) || (v4 !== null && v4.every((b) => b === 0));
  const loopback = v4 ? v4[0] === 127 : ip.slice(0, 15).every((b) => b === 0) && ip[15] === 1;
  const linkLocalUnicast = v4 ? v4[0] === 169 && v4[1] === 254 : ip[0] === 0xfe && ((ip[1] ?? 0) & 0xc0) === 0x80;
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : ip[0] === 0xff && ((ip[1] ?? 0) & 0x0f) === 0x02;
  if (unspecified) errs.push(`may not be unspecified (${value})`);
  if (loopback) errs.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  if (linkLocalUnicast) errs.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if (linkLocalMulticast) errs.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return errs;
}
