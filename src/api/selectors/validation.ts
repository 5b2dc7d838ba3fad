// Label key and value validation with the exact message texts kube-apiserver produces
// (apimachinery `validate/content`), plus the tiny bits of `field.Error` formatting selectors need.

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

const labelKeyRe = new RegExp(`^${LABEL_KEY_FMT}$`);
const labelValueRe = new RegExp(`^${LABEL_VALUE_FMT}$`);
const subdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/** Maximum length, in bytes, of a label value and of the name part of a label key. */
export const LABEL_VALUE_MAX_LENGTH = 63;
const LABEL_KEY_NAME_MAX_LENGTH = 63;
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

const encoder = new TextEncoder();
// Go measures strings in bytes; a non-ASCII value must count the way upstream counts it.
const byteLength = (s: string): number => encoder.encode(s).length;

const maxLenError = (n: number): string => `must be no more than ${n} bytes`;
// Upstream joins examples as `'a', ` + ` or ` + `'b', `, hence the double space before "or" in
// real kube-apiserver messages; clients match on these texts, so we keep it.
const regexError = (msg: string, re: string, ...examples: string[]): string =>
  `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${re}')`;

function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!subdomainRe.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/**
 * Checks a label key (a "qualified name": optional DNS-subdomain prefix, `/`, name of at most 63
 * bytes). Returns the list of problems, empty when valid, worded as upstream `IsLabelKey`.
 */
export function isLabelKey(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > LABEL_KEY_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(LABEL_KEY_NAME_MAX_LENGTH)}`);
  if (!labelKeyRe.test(name)) errs.push(`name part ${regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** Checks a label value (empty, or ≤63 bytes of `[-A-Za-z0-9_.]` starting and ending alphanumeric). */
export function isLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRe.test(value)) errs.push(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/**
 * Go's `%q` for the strings selectors can carry. JSON escaping agrees with Go for `"`, `\` and the
 * common control characters; it differs only for rare control characters (`\u0001` vs Go's `\x01`).
 */
export const goQuote = (s: string): string => JSON.stringify(s);

/** Go's `%#v` of a `[]string`, which upstream prints as the bad value of a values-count error. */
export const goStringSlice = (values: readonly string[] | null): string =>
  values === null ? '[]string(nil)' : `[]string{${values.map(goQuote).join(', ')}}`;

/**
 * One field-level problem, rendered like apimachinery's `field.Error`:
 * `<path>: <type>: <quoted value>: <detail>`.
 */
export interface FieldError {
  /** Field path as upstream prints it, e.g. `values[0][app]`, `<nil>` for a parser without a path. */
  readonly path: string;
  /** `Invalid value`, `Required value`, `Forbidden`, ... */
  readonly type: 'Invalid value' | 'Required value' | 'Forbidden';
  /** The bad value already rendered (quoted string or Go slice syntax); absent for Required/Forbidden. */
  readonly value?: string;
  readonly detail: string;
}

/** Renders one field error the way `(*field.Error).Error()` does. */
export function formatFieldError(e: FieldError): string {
  const body = e.value === undefined ? e.type : `${e.type}: ${e.value}`;
  return `${e.path}: ${body}${e.detail.length > 0 ? `: ${e.detail}` : ''}`;
}

/**
 * Renders a list the way `ErrorList.ToAggregate().Error()` does: duplicates dropped, one error
 * bare, several as `[a, b]`.
 */
export function formatAggregate(errors: readonly FieldError[]): string {
  const msgs = [...new Set(errors.map(formatFieldError))];
  return msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`;
}
