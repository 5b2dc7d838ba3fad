/**
 * `kubectl wait --for=…` conditions: parsing the flag (`delete`, `create`, `condition=Name[=value]`,
 * `jsonpath='{…}'[=value]`) and checking one object against it, as kubectl's wait package does.
 */
import { JsonPath, scalarText } from '../../api/jsonpath.js';
import type { KubeObject } from '../../client/types.js';
import { CliError } from '../errors.js';

/** A parsed `--for`. */
export type WaitFor =
  | { kind: 'delete' }
  | { kind: 'create' }
  | { kind: 'check'; check: (obj: KubeObject) => boolean; errorText: string };

/** Splits on single `=` (a `==` stays in the element), as kubectl's splitJSONPathInput. */
export function splitJsonPathInput(input: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '=') {
      if (input[i + 1] === '=') {
        cur += '==';
        i++;
        continue;
      }
      out.push(cur);
      cur = '';
      continue;
    }
    cur += input[i];
  }
  out.push(cur);
  return out;
}

/** kubectl get's RelaxedJSONPathExpression: `a.b`, `.a.b`, `{a.b}` → `{.a.b}`. */
export function relaxedJsonPath(expr: string): string {
  if (expr === '') return expr;
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expr);
  if (!m) throw new CliError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  return `{.${m[1] ?? m[2] ?? ''}}`;
}

type Condition = { type?: string; status?: string; observedGeneration?: number };

/** `condition=Name[=value]`: the named status condition has the value (case-insensitively), at the current generation. */
function conditionCheck(name: string, value: string) {
  return (obj: KubeObject): boolean => {
    const status = (obj as { status?: { conditions?: unknown; observedGeneration?: number } }).status;
    const conditions = Array.isArray(status?.conditions) ? (status.conditions as Condition[]) : [];
    for (const c of conditions) {
      if (typeof c.type !== 'string' || c.type.toLowerCase() !== name.toLowerCase()) continue;
      if (typeof c.status !== 'string') continue;
      const generation = obj.metadata?.generation;
      if (generation !== undefined) {
        const observed = c.observedGeneration ?? status?.observedGeneration;
        if (observed !== undefined && observed < generation) return false;
      }
      return c.status.toLowerCase() === value.toLowerCase();
    }
    return false;
  };
}

function jsonPathCheck(expr: string, value: string | undefined) {
  const path = new JsonPath(expr, { allowMissingKeys: true });
  return (obj: KubeObject): boolean => {
    const results = path.findResults(obj);
    const first = results[0];
    if (results.length === 0 || !first || first.length === 0) return false;
    if (results.length > 1) throw new CliError('given jsonpath expression matches more than one list');
    if (first.length > 1) throw new CliError('given jsonpath expression matches more than one value');
    if (value === undefined) return true;
    const v = first[0];
    if (typeof v === 'object' && v !== null) throw new CliError('jsonpath leads to a nested object or list which is not supported');
    return scalarText(v).trim() === value.trim();
  };
}

/** Parses `--for`; throws kubectl's errors for malformed conditions. */
export function parseWaitFor(text: string): WaitFor {
  const lower = text.toLowerCase();
  if (lower === 'delete') return { kind: 'delete' };
  if (lower === 'create') return { kind: 'create' };
  if (text.startsWith('condition=')) {
    let name = text.slice('condition='.length);
    let value = 'true';
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    return { kind: 'check', check: conditionCheck(name, value), errorText: 'condition' };
  }
  if (text.startsWith('jsonpath=')) {
    const parts = splitJsonPathInput(text.slice('jsonpath='.length));
    if (parts.length < 1 || parts.length > 2) {
      throw new CliError("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'");
    }
    const expr = relaxedJsonPath(parts[0] ?? '');
    let value: string | undefined;
    if (parts.length === 2) {
      value = (parts[1] ?? '').replace(/^['"]+|['"]+$/g, '');
      if (value === '') throw new CliError("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3");
    }
    if (expr === '') throw new CliError('jsonpath expression cannot be empty');
    return { kind: 'check', check: jsonPathCheck(expr, value), errorText: 'condition' };
  }
  throw new CliError(`unrecognized condition: ${JSON.stringify(text)}`);
}
