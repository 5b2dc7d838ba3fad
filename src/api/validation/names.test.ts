import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidCIDR, isValidIP, isValidPortName, isValidPortNum, nameIsDNSSubdomain, nonSpecialIPErrors } from './names.js';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const cases: [string, (v: string) => string[], string, string[]][] = [
  ['subdomain ok', isDNS1123Subdomain, 'example.com', []],
  ['subdomain upper', isDNS1123Subdomain, 'Example', [SUBDOMAIN]],
  ['subdomain too long', isDNS1123Subdomain, 'a'.repeat(254), ['must be no more than 253 characters']],
  ['label ok', isDNS1123Label, 'my-name', []],
  ['label dots', isDNS1123Label, 'a.b', [LABEL]],
  ['label too long', isDNS1123Label, 'a'.repeat(64), ['must be no more than 63 characters']],
  [
    'dns1035 digit start',
    isDNS1035Label,
    '1abc',
    [
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ],
  ],
  ['qualified ok', isQualifiedName, 'example.com/My_name', []],
  ['qualified empty prefix', isQualifiedName, '/a', ['prefix part must be non-empty']],
  ['qualified two slashes', isQualifiedName, 'a/b/c', [
    "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ]],
  ['config key dotdot', isConfigMapKey, '..a', ["must not start with '..'"]],
  ['port name', isValidPortName, '-Http--', [
    'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'must not contain consecutive hyphens',
    'must not begin or end with a hyphen',
  ]],
  ['port name digits', isValidPortName, '123', ['must contain at least one letter (a-z)']],
  ['ip ok v4 sloppy', isValidIP, '010.1.1.1', []],
  ['ip ok v6', isValidIP, '2001:db8::1', []],
  ['ip bad', isValidIP, '1.2.3', ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
  ['cidr bad', isValidCIDR, '10.0.0.0/33', ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
  ['cidr ok', isValidCIDR, 'fd00::/64', []],
  ['loopback', nonSpecialIPErrors, '127.0.0.1', ['may not be in the loopback range (127.0.0.0/8, ::1/128)']],
  ['unspecified', nonSpecialIPErrors, '::', ['may not be unspecified (::)']],
  ['link local', nonSpecialIPErrors, 'fe80::1', ['may not be in the link-local range (169.254.0.0/16, fe80::/10)']],
];

for (const [name, fn, value, want] of cases) {
  test(`names: ${name}`, () => assert.deepEqual(fn(value), want));
}

test('names: port numbers and generateName prefixes', () => {
  assert.deepEqual(isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
  assert.deepEqual(isValidPortNum(65535), []);
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.deepEqual(nameIsDNSSubdomain('web-', false), [SUBDOMAIN]);
});
