// Table-driven tests of Quantity against upstream apimachinery behaviour (quantity_test.go cases
// plus the serialization quirks the API server shows: kept input spellings, BinarySI fallbacks, caps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalizeQuantity,
  compareQuantities,
  cpuMillis,
  memoryBytes,
  parseQuantity,
  Quantity,
  QUANTITY_ERRORS,
  quantityFromJSON,
  QuantityParseError,
  Scale,
  tryParseQuantity,
  type QuantityErrorKind,
  type QuantityFormat,
} from './quantity.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** upstream's decQuantity(i, exponent, format): i × 10^exponent. */
const dec = (i: bigint | number, exponent: number, format: QuantityFormat = 'DecimalSI'): Quantity =>
  Quantity.fromScaled(i, exponent).withFormat(format);

function assertSame(got: Quantity, want: Quantity, label: string): void {
  assert.equal(got.cmp(want), 0, `${label}: value ${got.toString()} != ${want.toString()}`);
  assert.equal(got.format, want.format, `${label}: format`);
}

// TestQuantityParse: input → exact value and format.
const parseCases: [input: string, want: Quantity][] = [
  ['0', dec(0, 0)], ['0n', dec(0, 0)], ['0u', dec(0, 0)], ['0m', dec(0, 0)], ['0Ki', dec(0, 0, 'BinarySI')],
  ['0k', dec(0, 0)], ['0Mi', dec(0, 0, 'BinarySI')], ['0M', dec(0, 0)], ['0Gi', dec(0, 0, 'BinarySI')],
  ['0G', dec(0, 0)], ['0Ti', dec(0, 0, 'BinarySI')], ['0T', dec(0, 0)],
  ['1', dec(1, 0)],
  ['1Ki', dec(1024, 0, 'BinarySI')], ['8Ki', dec(8 * 1024, 0, 'BinarySI')], ['7Mi', dec(7 * 2 ** 20, 0, 'BinarySI')],
  ['6Gi', dec(6 * 2 ** 30, 0, 'BinarySI')], ['5Ti', dec(5 * 2 ** 40, 0, 'BinarySI')],
  ['4Pi', dec(4n << 50n, 0, 'BinarySI')], ['3Ei', dec(3n << 60n, 0, 'BinarySI')],
  ['10Ti', dec(10 * 2 ** 40, 0, 'BinarySI')], ['100Ti', dec(100 * 2 ** 40, 0, 'BinarySI')],
  ['5n', dec(5, -9)], ['4u', dec(4, -6)], ['3m', dec(3, -3)], ['9', dec(9, 0)], ['8k', dec(8, 3)],
  ['50k', dec(5, 4)], ['7M', dec(7, 6)], ['6G', dec(6, 9)], ['5T', dec(5, 12)], ['40T', dec(4, 13)],
  ['300T', dec(3, 14)], ['2P', dec(2, 15)], ['1E', dec(1, 18)],
  ['1E-3', dec(1, -3, 'DecimalExponent')], ['1e3', dec(1, 3, 'DecimalExponent')], ['1E6', dec(1, 6, 'DecimalExponent')],
  ['1e9', dec(1, 9, 'DecimalExponent')], ['1E12', dec(1, 12, 'DecimalExponent')], ['1e15', dec(1, 15, 'DecimalExponent')],
  ['1E18', dec(1, 18, 'DecimalExponent')], ['1e14', dec(1, 14, 'DecimalExponent')], ['1e13', dec(1, 13, 'DecimalExponent')],
  ['100.035k', dec(100035, 0)],
  ['0.001', dec(1, -3)], ['0.0005k', dec(5, -1)], ['0.005', dec(5, -3)], ['0.05', dec(5, -2)], ['0.5', dec(5, -1)],
  ['0.00050k', dec(5, -1)], ['0.00500', dec(5, -3)], ['0.05000', dec(5, -2)], ['0.50000', dec(5, -1)],
  ['0.5e0', dec(5, -1, 'DecimalExponent')], ['0.5e-1', dec(5, -2, 'DecimalExponent')], ['0.5e-2', dec(5, -3, 'DecimalExponent')],
  ['10.035M', dec(10035, 3)],
  ['1.2e3', dec(12, 2, 'DecimalExponent')], ['1.3E+6', dec(13, 5, 'DecimalExponent')], ['1.40e9', dec(14, 8, 'DecimalExponent')],
  ['1.53E12', dec(153, 10, 'DecimalExponent')], ['1.6e15', dec(16, 14, 'DecimalExponent')], ['1.7E18', dec(17, 17, 'DecimalExponent')],
  ['9.01', dec(901, -2)], ['8.1k', dec(81, 2)], ['7.123456M', dec(7123456, 0)], ['6.987654321G', dec(6987654321, 0)],
  ['5.444T', dec(5444, 9)], ['40.1T', dec(401, 11)], ['300.2T', dec(3002, 11)], ['2.5P', dec(25, 14)], ['1.01E', dec(101, 16)],
  // Things that saturate or round up to 1n.
  ['3.001n', dec(4, -9)], ['1.1E-9', dec(2, -9, 'DecimalExponent')], ['0.0000000001', dec(1, -9)],
  ['0.0000000005', dec(1, -9)], ['0.00000000050', dec(1, -9)], ['0.5e-9', dec(1, -9, 'DecimalExponent')],
  ['0.9n', dec(1, -9)], ['0.00000012345', dec(124, -9)], ['0.00000012354', dec(124, -9)],
  ['9Ei', dec(INT64_MAX, 0, 'BinarySI')], ['9223372036854775807Ki', dec(INT64_MAX, 0, 'BinarySI')], ['12E', dec(12, 18)],
  // Fractional binary.
  ['100.035Ki', dec(10243584, -2, 'BinarySI')], ['0.5Mi', dec(0.5 * 2 ** 20, 0, 'BinarySI')],
  ['0.05Gi', dec(536870912, -1, 'BinarySI')], ['0.025Ti', dec(274877906944, -1, 'BinarySI')],
  // "Things written by trolls".
  ['0.000000000001Ki', dec(2, -9)], ['.001', dec(1, -3)], ['.0001k', dec(100, -3)], ['1.', dec(1, 0)], ['1.G', dec(1, 9)],
  // Scanner corners: a bare suffix or sign is zero when the int64 fast path takes it.
  ['Ki', dec(0, 0, 'BinarySI')], ['m', dec(0, 0)], ['.', dec(0, 0)], ['-', dec(0, 0)], ['+.', dec(0, 0)],
  ['1e4294967296', dec(1, 0, 'DecimalExponent')], // int32(exponent) wraps, as upstream
];

test('parse: value and format (plain, negated, explicit +)', () => {
  for (const [input, want] of parseCases) {
    assertSame(Quantity.parse(input), want, input);
    if (!input.startsWith('-') && !input.startsWith('+')) {
      assertSame(Quantity.parse(`-${input}`), want.neg(), `-${input}`);
      assertSame(Quantity.parse(`+${input}`), want, `+${input}`);
    }
  }
});

test('parse: invalid strings carry upstream error text', () => {
  const cases: [input: string, kind: QuantityErrorKind][] = [
    ['', 'format'], ['1.1.M', 'format'], ['1+1.0M', 'format'], ['0.1mi', 'suffix'], ['0.1am', 'format'],
    ['aoeu', 'format'], ['.5i', 'suffix'], ['1i', 'suffix'], ['-3.01i', 'suffix'], ['-3.01e-', 'suffix'],
    [' 1', 'format'], ['1 ', 'format'], ['Non-Numeric', 'format'], ['1K', 'suffix'], ['1e', 'suffix'],
    ['1ee3', 'suffix'], ['1e3e', 'format'], ['1e3.5', 'format'], ['1e99999999999999999999', 'suffix'],
    ['--1', 'suffix'], ['1Gi ', 'format'], ['1,5', 'format'], ['0x10', 'format'],
    // The slow path (inf.Dec) needs a digit: no digits plus a sub-nano exponent or a big binary suffix.
    ['Pi', 'numeric'], ['.Ei', 'numeric'], ['e-10', 'numeric'], ['.e-10', 'numeric'],
  ];
  for (const [input, kind] of cases) {
    assert.throws(() => Quantity.parse(input), (err: unknown) => {
      assert.ok(err instanceof QuantityParseError, input);
      assert.equal(err.kind, kind, input);
      assert.equal(err.input, input);
      assert.equal(err.message, QUANTITY_ERRORS[kind]);
      return true;
    });
    assert.ok(tryParseQuantity(input) instanceof QuantityParseError, input);
  }
  assert.equal(
    QUANTITY_ERRORS.format,
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  );
});

// Parse → the string the API server writes back.
const serializeCases: [input: string, out: string][] = [
  ['0', '0'], ['0.5', '500m'], ['.5', '500m'], ['1000m', '1'], ['1500m', '1500m'], ['1.5', '1500m'],
  ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['1.5Gi', '1536Mi'], ['100000000', '100M'], ['1000M', '1G'],
  ['1e3', '1e3'], ['1.5e3', '1500'], ['1000e0', '1e3'],
  ['0.1', '100m'], ['250m', '250m'], ['0.25', '250m'], ['2000m', '2'], ['1100m', '1100m'],
  ['128974848', '128974848'], ['129e6', '129e6'], ['129000000', '129M'], ['123Mi', '123Mi'], ['1Ki', '1Ki'], ['1024', '1024'],
  ['2048', '2048'], ['1024Ki', '1Mi'], ['1.1Ki', '1126400m'], ['0.5Ki', '512'], ['1.5Ki', '1536'],
  ['.001Ki', '1024m'], ['.000001Ki', '1024u'], ['.000000001Ki', '1024n'], ['.000000000001Ki', '2n'],
  ['9Ei', '9223372036854775807'], ['8Ei', '9223372036854775807'], ['7Ei', '7Ei'], ['-9Ei', '-9223372036854775807'],
  ['12E', '12E'], ['10E', '10E'], ['100E', '100E'], ['0.1m', '100u'], ['0.0001', '100u'], ['1n', '1n'],
  ['-1', '-1'], ['-0.5', '-500m'], ['-1024Mi', '-1Gi'], ['-0', '0'], ['0Gi', '0'], ['00', '0'],
  ['1k', '1k'], ['1000', '1k'], ['10000', '10k'], ['1001', '1001'], ['1010', '1010'], ['1e-3', '1e-3'],
  ['1000e-3', '1'], ['1.0', '1'], ['100.0', '100'], ['1e2', '100'], ['1.5e-9', '2e-9'],
  // Upstream keeps these inputs verbatim (the fast path judged them canonical already).
  ['+1', '+1'], ['01', '01'], ['1E3', '1E3'], ['1e+3', '1e+3'], ['1e03', '1e03'], ['1.G', '1.G'], ['1.', '1.'],
  ['+1Ki', '+1Ki'], ['007Mi', '007Mi'],
  // ...but not when the int64 fast path declines them.
  ['+1Pi', '1Pi'], ['+8Ki', '8Ki'], ['+1000', '1k'], ['1.0E', '1E'],
  // Beyond the SI table upstream prints "1"; we keep the value (see Quantity's TSDoc).
  ['1000E', '1000E'], ['1e21', '1e21'],
];

test('serialization: canonical string or kept input, as the API server writes it', () => {
  for (const [input, out] of serializeCases) {
    const q = Quantity.parse(input);
    assert.equal(q.toString(), out, input);
    assert.equal(JSON.stringify({ q }), JSON.stringify({ q: out }), `${input} (JSON)`);
    assert.equal(canonicalizeQuantity(input), out, `${input} (canonicalizeQuantity)`);
    // Whatever is written back must parse to the same value.
    assert.equal(Quantity.parse(out).cmp(q), 0, `${input} → ${out} round trip`);
  }
  assert.equal(Quantity.parse('+1').canonical(), '1');
  assert.equal(Quantity.parse('1E3').canonical(), '1e3');
  assert.equal(Quantity.parse('1.G').canonical(), '1G');
});

// TestQuantityString: value+format → canonical; the canonical text is kept on parse; the alternate
// spelling reparses to the canonical one; the negation prints with a minus.
const stringCases: [q: Quantity, expect: string, alternate: string][] = [
  [dec(2 ** 30, 0, 'BinarySI'), '1Gi', '1024Mi'], [dec(300 * 2 ** 20, 0, 'BinarySI'), '300Mi', '307200Ki'],
  [dec(6 * 1024, 0, 'BinarySI'), '6Ki', ''], [dec(1001 * 2 ** 30, 0, 'BinarySI'), '1001Gi', '1025024Mi'],
  [dec(2 ** 40, 0, 'BinarySI'), '1Ti', '1024Gi'], [dec(5, 0, 'BinarySI'), '5', '5000m'],
  [dec(500, -3, 'BinarySI'), '500m', '0.5'], [dec(1, 9), '1G', '1000M'], [dec(1000, 6), '1G', '0.001T'],
  [dec(1000000, 3), '1G', ''], [dec(1000000000, 0), '1G', ''], [dec(1, -3), '1m', '1000u'], [dec(80, -3), '80m', ''],
  [dec(1080, -3), '1080m', '1.08'], [dec(108, -2), '1080m', '1080000000n'], [dec(10800, -4), '1080m', ''],
  [dec(300, 6), '300M', ''], [dec(1, 12), '1T', ''], [dec(1234567, 6), '1234567M', ''],
  [dec(1234567, -3, 'BinarySI'), '1234567m', ''], [dec(3, 3), '3k', ''], [dec(1025, 0, 'BinarySI'), '1025', ''],
  [dec(0, 0), '0', ''], [dec(0, 0, 'BinarySI'), '0', ''],
  [dec(1, 9, 'DecimalExponent'), '1e9', '.001e12'], [dec(1, -3, 'DecimalExponent'), '1e-3', '0.001e0'],
  [dec(1, -9, 'DecimalExponent'), '1e-9', '1000e-12'], [dec(80, -3, 'DecimalExponent'), '80e-3', ''],
  [dec(300, 6, 'DecimalExponent'), '300e6', ''], [dec(1, 12, 'DecimalExponent'), '1e12', ''],
  [dec(1, 3, 'DecimalExponent'), '1e3', ''], [dec(3, 3, 'DecimalExponent'), '3e3', ''], [dec(3, 3), '3k', ''],
  [dec(0, 0, 'DecimalExponent'), '0', '00'], [dec(1, -9), '1n', ''], [dec(80, -9), '80n', ''],
  [dec(1080, -9), '1080n', ''], [dec(108, -8), '1080n', ''], [dec(10800, -10), '1080n', ''], [dec(1, -6), '1u', ''],
  [dec(80, -6), '80u', ''], [dec(1080, -6), '1080u', ''],
];

test('serialization: upstream TestQuantityString table', () => {
  for (const [q, expect, alternate] of stringCases) {
    assert.equal(q.toString(), expect, expect);
    assert.equal(Quantity.parse(expect).toString(), expect, `${expect} reparsed`);
    if (alternate !== '') assert.equal(Quantity.parse(alternate).toString(), expect, `${alternate} → ${expect}`);
    if (!q.isZero()) assert.equal(q.neg().toString(), `-${expect}`, `-${expect}`);
  }
});

// TestParseQuantity: values around the int64 boundary serialize without losing digits.
test('serialization: 18 to 20 digit values (upstream TestParseQuantity)', () => {
  const cases: [input: string, canonical?: string][] = [
    ['999999999999999999'], ['999999999999999999.0', '999999999999999999'],
    ['999999999999999999.1', '999999999999999999100m'], ['9999999999999999999'],
    ['1E'], ['1000000000000000000', '1E'], ['9999999999999999999.0', '9999999999999999999'],
    ['1.0E', '1E'], ['1000000000000000000.0', '1E'], ['9999999999999999999000m', '9999999999999999999'],
    ['9999999999999999999.1', '9999999999999999999100m'], ['1.0000000000000000001E', '1000000000000000000100m'],
    ['1000000000000000000.1', '1000000000000000000100m'], ['1.000000000000000001E', '1000000000000000001'],
    ['1000000000000000001'], ['10E'], ['10000000000000000000', '10E'], ['10.0E', '10E'],
    ['10000000000000000000.0', '10E'], ['10000000000000000000000m', '10E'],
    ['10.0000000000000000001E', '10000000000000000000100m'], ['10000000000000000000.1', '10000000000000000000100m'],
    ['10.000000000000000001E', '10000000000000000001'], ['10000000000000000001'],
    ['9223372036854775806'], ['9223372036854775806.0', '9223372036854775806'],
    ['9223372036854775806000m', '9223372036854775806'], ['9223372036854775806.1', '9223372036854775806100m'],
    ['9223372036854775807'], ['9223372036854775807.0', '9223372036854775807'],
    ['9223372036854775807000m', '9223372036854775807'], ['9223372036854775807.1', '9223372036854775807100m'],
    ['9223372036854775808'], ['9223372036854775808.0', '9223372036854775808'],
    ['9223372036854775808000m', '9223372036854775808'], ['9223372036854775808.1', '9223372036854775808100m'],
    ['9223372036854775809'],
  ];
  for (const [input, canonical] of cases) {
    assert.equal(Quantity.parse(input).toString(), canonical ?? input, input);
    assert.equal(Quantity.parse(`-${input}`).toString(), `-${canonical ?? input}`, `-${input}`);
  }
});

test('cmp: exact across formats and scales', () => {
  const cases: [a: string, b: string, want: -1 | 0 | 1][] = [
    ['0', '0', 0], ['100m', '50m', 1], ['50m', '100m', -1], ['10000T', '100Gi', 1],
    ['1Gi', '1073741824', 0], ['1Gi', '1G', 1], ['1G', '1Gi', -1], ['1e3', '1k', 0], ['0.5', '500m', 0],
    ['1Ki', '1024', 0], ['1Ki', '1023999m', 1], ['1.5Gi', '1536Mi', 0], ['0Gi', '0m', 0], ['0', '-0', 0],
    ['-1', '1', -1], ['-1Gi', '-1G', -1], ['1n', '0', 1], ['-1n', '0', -1], ['0.0000000001', '1n', 0],
    ['9223372036854775807', '9223372036854775808', -1], ['9Ei', '9223372036854775807', 0], ['12E', '9Ei', 1],
    ['1e2000000000', '1', 1], ['-1e2000000000', '1', -1], ['1e-2000000000', '1n', 0], ['1e2000000000', '1e2000000001', -1],
    ['999m', '1', -1], ['1001m', '1', 1], ['100', '1e2', 0], ['1.000000000000000000001E', '1E', 1],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(compareQuantities(a, b), want, `${a} vs ${b}`);
    assert.equal(compareQuantities(b, a), want === 0 ? 0 : -want, `${b} vs ${a}`);
    assert.equal(Quantity.parse(a).equals(Quantity.parse(b)), want === 0, `${a} equals ${b}`);
  }
});

test('value, milliValue, scaledValue round away from zero and saturate at int64', () => {
  const cases: [input: string, value: bigint, milli: bigint][] = [
    ['0', 0n, 0n], ['1', 1n, 1000n], ['1.5', 2n, 1500n], ['-1.5', -2n, -1500n], ['1.4', 2n, 1400n],
    ['500m', 1n, 500n], ['-500m', -1n, -500n], ['0.1m', 1n, 1n], ['1n', 1n, 1n], ['-1n', -1n, -1n],
    ['1001n', 1n, 1n], ['1000001n', 1n, 2n], ['1Gi', 1073741824n, 1073741824000n], ['1.5Ki', 1536n, 1536000n],
    ['1.1Ki', 1127n, 1126400n], ['2k', 2000n, 2000000n], ['1e3', 1000n, 1000000n], ['1E', 10n ** 18n, INT64_MAX],
    ['9223372036854775807', INT64_MAX, INT64_MAX], ['9223372036854775808', INT64_MAX, INT64_MAX],
    ['-9223372036854775808', INT64_MIN, INT64_MIN], ['-9223372036854775809', INT64_MIN, INT64_MIN],
    ['9223372036854775', 9223372036854775n, 9223372036854775000n], ['9Ei', INT64_MAX, INT64_MAX],
    ['100E', INT64_MAX, INT64_MAX], ['1e2000000000', INT64_MAX, INT64_MAX], ['-1e2000000000', INT64_MIN, INT64_MIN],
  ];
  for (const [input, value, milli] of cases) {
    const q = Quantity.parse(input);
    assert.equal(q.value(), value, `${input} value`);
    assert.equal(q.milliValue(), milli, `${input} milliValue`);
  }
  // TestScaledValue: 1 × 10^from expressed in units of 10^to.
  const scaled: [from: number, to: number, want: bigint][] = [
    [Scale.Nano, Scale.Nano, 1n], [Scale.Nano, Scale.Micro, 1n], [Scale.Nano, Scale.Milli, 1n], [Scale.Nano, 0, 1n],
    [Scale.Micro, Scale.Nano, 1000n], [Scale.Micro, Scale.Micro, 1n], [Scale.Micro, Scale.Milli, 1n], [Scale.Micro, 0, 1n],
    [Scale.Milli, Scale.Nano, 1000000n], [Scale.Milli, Scale.Micro, 1000n], [Scale.Milli, Scale.Milli, 1n],
    [Scale.Milli, 0, 1n], [0, Scale.Nano, 1000000000n], [0, Scale.Micro, 1000000n], [0, Scale.Milli, 1000n],
    [0, 0, 1n], [2, -2, 10000n],
  ];
  for (const [from, to, want] of scaled) assert.equal(Quantity.fromScaled(1, from).scaledValue(to), want, `${from}→${to}`);
});

test('roundUp (upstream TestQuantityRoundUp)', () => {
  const cases: [input: string, scale: number, want: Quantity, exact: boolean][] = [
    ['9.01', -3, dec(901, -2), true], ['9.01', -2, dec(901, -2), true], ['9.01', -1, dec(91, -1), false],
    ['9.01', 0, dec(10, 0), false], ['9.01', 1, dec(10, 0), false], ['9.01', 2, dec(100, 0), false],
    ['-9.01', -3, dec(-901, -2), true], ['-9.01', -2, dec(-901, -2), true], ['-9.01', -1, dec(-91, -1), false],
    ['-9.01', 0, dec(-10, 0), false], ['-9.01', 1, dec(-10, 0), false], ['-9.01', 2, dec(-100, 0), false],
  ];
  for (const [input, scale, want, exact] of cases) {
    const got = Quantity.parse(input).roundUp(scale);
    assert.equal(got.exact, exact, `${input} @ ${scale} exact`);
    assert.equal(got.quantity.cmp(want), 0, `${input} @ ${scale}: ${got.quantity.toString()}`);
  }
  const kept = Quantity.parse('+1');
  assert.equal(kept.roundUp(0).quantity.toString(), '+1', 'an exact roundUp changes nothing');
});

test('add, sub, neg, mul: exact, and a zero left operand takes the other format', () => {
  const add: [a: Quantity, b: Quantity, want: Quantity][] = [
    [dec(10, 0), dec(1, 1), dec(20, 0)], [dec(10, 0), dec(1, 0, 'BinarySI'), dec(11, 0)],
    [dec(10, 0, 'BinarySI'), dec(1, 0), dec(11, 0, 'BinarySI')], [dec(0, 0), dec(50, 0), dec(50, 0)],
    [dec(50, 0), dec(0, 0), dec(50, 0)], [dec(0, 0), dec(0, 0), dec(0, 0)],
    [dec(0, 0), dec(1, 0, 'BinarySI'), dec(1, 0, 'BinarySI')],
    [Quantity.parse('100m'), Quantity.parse('1.5'), dec(1600, -3)],
    [Quantity.parse('1Gi'), Quantity.parse('512Mi'), dec(1536 * 2 ** 20, 0, 'BinarySI')],
  ];
  for (const [a, b, want] of add) assertSame(a.add(b), want, `${a.toString()} + ${b.toString()}`);
  const sub: [a: Quantity, b: Quantity, want: Quantity][] = [
    [dec(10, 0), dec(1, 1), dec(0, 0)], [dec(10, 0), dec(1, 0, 'BinarySI'), dec(9, 0)],
    [dec(10, 0, 'BinarySI'), dec(1, 0), dec(9, 0, 'BinarySI')], [dec(0, 0), dec(50, 0), dec(-50, 0)],
    [dec(50, 0), dec(0, 0), dec(50, 0)], [dec(0, 0), dec(0, 0), dec(0, 0)],
    [dec(0, 0), Quantity.parse('1Gi'), dec(-(2 ** 30), 0, 'BinarySI')],
  ];
  for (const [a, b, want] of sub) assertSame(a.sub(b), want, `${a.toString()} - ${b.toString()}`);

  // TestQuantityAddZeroPreservesSuffix / SubZero.
  for (const s of ['100m', '1Gi']) {
    const zero = Quantity.parse('0');
    const v = Quantity.parse(s);
    assert.equal(v.add(zero).toString(), s);
    assert.equal(zero.add(v).toString(), s);
    assert.equal(v.sub(zero).toString(), s);
    assert.equal(zero.sub(v).toString(), `-${s}`);
  }
  assert.equal(Quantity.parse('0.5Ki').add(Quantity.parse('0.5Ki')).toString(), '1Ki', 'BinarySI survives a sum');
  assert.equal(Quantity.parse('+1').add(Quantity.parse('0')).toString(), '1', 'arithmetic drops a kept spelling');
  assert.equal(Quantity.parse('8Ei').add(Quantity.parse('8Ei')).toString(), '18446744073709551614', 'sums are not capped');
  assert.equal(dec(1, 21).toString(), '1000E');
  assert.equal(Quantity.fromInt(1n << 70n, 'BinarySI').toString(), '1024Ei');

  assert.equal(dec(901, -2).neg().toString(), '-9010m');
  assert.equal(Quantity.parse('-10').neg().neg().toString(), '-10');
  assert.equal(Quantity.parse('0').neg().toString(), '0', 'never -0');

  const mul: [a: Quantity, by: bigint, want: Quantity][] = [
    [dec(10, 0), 10n, dec(100, 0)], [dec(10, 0, 'BinarySI'), 1n, dec(10, 0, 'BinarySI')], [dec(50, 0), 0n, dec(0, 0)],
    [dec(-50, 0), -50n, dec(2500, 0)], [dec(INT64_MAX, 0), 2n, dec(INT64_MAX * 2n, 0)],
    [dec(INT64_MIN, 0), -1n, dec(INT64_MAX + 1n, 0)],
  ];
  for (const [a, by, want] of mul) assertSame(a.mul(by), want, `${a.toString()} × ${by}`);
  assert.equal(Quantity.parse('512Mi').mul(3).toString(), '1536Mi');
});

test('add/sub of many values across scales cancels exactly', () => {
  let seed = 0x2545f4914f6cdd1dn;
  const next = (): bigint => {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    return seed >> 1n; // a non-negative int63, like rand.Int63
  };
  let sum = Quantity.fromInt(0);
  const added: Quantity[] = [];
  for (let i = 0; i < 200; i++) {
    const j = next();
    const q = Quantity.fromScaled(j, Number(j % 20n) - 10);
    added.push(q);
    sum = sum.add(q);
  }
  assert.ok(!sum.isZero());
  for (const q of added) sum = sum.sub(q);
  assert.ok(sum.isZero(), sum.toString());
});

test('serialize then parse preserves the value (upstream TestJSON fuzz shapes)', () => {
  let seed = 42n;
  const rand = (n: bigint): bigint => {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    return (seed >> 1n) % n;
  };
  const int63 = 1n << 63n;
  for (let i = 0; i < 2000; i++) {
    let q: Quantity;
    switch (rand(4n)) {
      case 0n: q = Quantity.fromInt(rand(int63), 'BinarySI'); break;
      case 1n: q = Quantity.fromInt(rand(1024n) << (10n * rand(5n)), 'BinarySI'); break;
      case 2n: q = Quantity.fromScaled(rand(int63), -Number(rand(4n))).withFormat(rand(2n) === 0n ? 'DecimalSI' : 'DecimalExponent'); break;
      default: q = Quantity.fromScaled(rand(1000n), Number(rand(15n)) - 3).withFormat(rand(2n) === 0n ? 'DecimalSI' : 'DecimalExponent');
    }
    if (rand(2n) === 0n) q = q.neg();
    const text = JSON.parse(JSON.stringify(q)) as string;
    const back = quantityFromJSON(text);
    assert.equal(back.cmp(q), 0, `${text} round trip`);
    assert.equal(back.toString(), text, `${text} is stable`);
  }
});

test('constructors (upstream TestNewSet, TestMilliNewSet, TestNewScaledSet)', () => {
  const cases: [q: Quantity, want: string][] = [
    [Quantity.fromInt(1), '1'], [Quantity.fromInt(1000), '1k'], [Quantity.fromInt(1234000), '1234k'],
    [Quantity.fromInt(1024, 'BinarySI'), '1Ki'], [Quantity.fromInt(1000000, 'DecimalExponent'), '1e6'],
    [Quantity.fromInt(1024 * 1024, 'BinarySI'), '1Mi'],
    [Quantity.fromMilli(1), '1m'], [Quantity.fromMilli(1000), '1'], [Quantity.fromMilli(1234000), '1234'],
    [Quantity.fromMilli(1024, 'BinarySI'), '1024m'], [Quantity.fromMilli(1000000, 'DecimalExponent'), '1e3'],
    [Quantity.fromMilli(1024 * 1024, 'BinarySI'), '1048576m'],
    [Quantity.fromScaled(1, Scale.Nano), '1n'], [Quantity.fromScaled(1000, Scale.Nano), '1u'],
    [Quantity.fromScaled(1, Scale.Micro), '1u'], [Quantity.fromScaled(1000, Scale.Micro), '1m'],
    [Quantity.fromScaled(1, Scale.Milli), '1m'], [Quantity.fromScaled(1000, Scale.Milli), '1'],
    [Quantity.fromScaled(0, Scale.Nano), '0'], [Quantity.fromScaled(5, Scale.Mega), '5M'],
    [Quantity.fromScaled(1, -12), '1e-12'],
  ];
  for (const [q, want] of cases) assert.equal(q.toString(), want);
  assert.throws(() => Quantity.fromInt(0.5), RangeError);
  assert.throws(() => Quantity.fromInt(2 ** 60), RangeError);
  assert.throws(() => Quantity.fromScaled(1, 0.5), RangeError);
});

test('toNumber is the nearest float (AsFloat64Slow table)', () => {
  const cases: [q: Quantity, want: number][] = [
    [dec(0, 0), 0], [dec(1, 0, 'BinarySI'), 1], [dec(1024, 0, 'BinarySI'), 1024],
    [dec(7 * 2 ** 20, 1), 7 * 2 ** 20 * 10], [dec(7 * 2 ** 20, 8), 7 * 2 ** 20 * 100000000],
    [dec(7 * 2 ** 20, -1), (7 * 2 ** 20) / 10], [dec(7 * 2 ** 20, -8), (7 * 2 ** 20) / 100000000],
    [dec(INT64_MAX, 0), 2 ** 63], [dec(12, 18), 1.2e19],
    [dec(12, 500), Infinity], [dec(-12, 500), -Infinity],
    [Quantity.parse('2Ki'), 2048], [Quantity.parse('1.1Ki'), 1126.4], [Quantity.parse('1Mi'), 1.048576e6],
    [Quantity.parse('2Gi'), 2.147483648e9], [Quantity.parse('500m'), 0.5], [Quantity.parse('-100m'), -0.1],
  ];
  for (const [q, want] of cases) assert.equal(q.toNumber(), want, q.toString());
});

test('quantityFromJSON accepts numbers and trims whitespace (TestJSONWhitespace)', () => {
  const cases: [input: string | number, want: string][] = [
    [' 1', '1'], ['1 ', '1'], [1, '1'], [10, '10'], [-1, '-1'], [' -1', '-1'], [0.5, '500m'],
    [1e21, '1e+21'], [1e-7, '100e-9'], [1536, '1536'], ['\t2Gi\n', '2Gi'],
  ];
  for (const [input, want] of cases) assert.equal(quantityFromJSON(input).toString(), want, JSON.stringify(input));
});

test('scheduler and kubelet helpers: millicores and bytes', () => {
  const cpu: [input: string, millis: number][] = [
    ['500m', 500], ['1', 1000], ['0.1', 100], ['2.5', 2500], ['0.1m', 1], ['100u', 1], ['1e-3', 1], ['250m', 250], ['0', 0],
  ];
  for (const [input, millis] of cpu) {
    assert.equal(cpuMillis(input), millis, input);
    assert.equal(cpuMillis(parseQuantity(input)), millis, `${input} (Quantity)`);
  }
  const mem: [input: string, bytes: number][] = [
    ['1Gi', 1073741824], ['128Mi', 134217728], ['1G', 1e9], ['1.5k', 1500], ['1.1Ki', 1127], ['100m', 1], ['64Ki', 65536],
  ];
  for (const [input, bytes] of mem) assert.equal(memoryBytes(input), bytes, input);
  assert.throws(() => cpuMillis('one'), QuantityParseError);
});
