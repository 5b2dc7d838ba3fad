// JSON Patch (RFC 6902), `application/json-patch+json`: a list of add/remove/replace/move/copy/test
// operations applied in order. The patch is atomic: the input is copied first and never changed,
// so a failing operation leaves nothing half-applied.
import { badPatch, cannotApply } from './errors.js';
import { cloneJson, getOwn, isList, isObject, jsonEqual, jsonType, setOwn, show, type JsonObject } from './json.js';
import { arrayIndex, parsePointer } from './pointer.js';

/** One operation of a JSON Patch document. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/**
 * Checks that a JSON Patch document has the outer shape of one: an array of objects. Violations
 * are `BadRequest`; per-operation problems surface when the patch is applied (`Invalid`), the
 * split kube-apiserver makes between decoding and applying a JSON patch.
 */
export function decodeJsonPatch(patch: unknown): JsonObject[] {
  if (!isList(patch)) {
    throw badPatch(`json: cannot unmarshal ${jsonType(patch)} into Go value of type jsonpatch.Patch: a JSON patch must be an array of operations`);
  }
  return patch.map((op, i) => {
    if (!isObject(op)) throw badPatch(`json: cannot unmarshal ${jsonType(op)} into Go value of type jsonpatch.Operation (operation ${i})`);
    return op;
  });
}

/** Applies a JSON Patch to a JSON document and returns the new document; `target` is not changed. */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  const ops = decodeJsonPatch(patch);
  let doc = cloneJson(target);
  for (const op of ops) doc = applyOperation(doc, op);
  return doc;
}

type Container = JsonObject | unknown[];

function stringField(op: JsonObject, field: 'path' | 'from', kind: string): string {
  const v = getOwn(op, field);
  if (typeof v !== 'string') {
    throw cannotApply(`${kind} operation is missing a string "${field}": ${show(op)}`);
  }
  return v;
}

function valueField(op: JsonObject, kind: string): unknown {
  if (!Object.hasOwn(op, 'value')) throw cannotApply(`${kind} operation is missing "value": ${show(op)}`);
  return cloneJson(op.value);
}

function applyOperation(doc: unknown, op: JsonObject): unknown {
  const kind = getOwn(op, 'op');
  switch (kind) {
    case 'add': {
      const path = stringField(op, 'path', kind);
      return add(doc, path, valueField(op, kind));
    }
    case 'remove': {
      const path = stringField(op, 'path', kind);
      remove(doc, path, kind);
      return doc;
    }
    case 'replace': {
      const path = stringField(op, 'path', kind);
      return replace(doc, path, valueField(op, kind));
    }
    case 'move': {
      const path = stringField(op, 'path', kind);
      const from = stringField(op, 'from', kind);
      const fromTokens = parsePointer(from);
      const pathTokens = parsePointer(path);
      if (pathTokens.length > fromTokens.length && fromTokens.every((t, i) => pathTokens[i] === t)) {
        throw cannotApply(`move operation does not apply: "from" ${from} is a prefix of "path" ${path}`);
      }
      const found = lookup(doc, fromTokens);
      if (!found.ok) throw cannotApply(`move operation does not apply: doc is missing from path: ${from}: missing value`);
      if (from === path) return doc;
      remove(doc, from, kind);
      return add(doc, path, found.value);
    }
    case 'copy': {
      const path = stringField(op, 'path', kind);
      const from = stringField(op, 'from', kind);
      const found = lookup(doc, parsePointer(from));
      if (!found.ok) throw cannotApply(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
      return add(doc, path, cloneJson(found.value));
    }
    case 'test': {
      const path = stringField(op, 'path', kind);
      const expected = valueField(op, kind);
      const found = lookup(doc, parsePointer(path));
      if (!found.ok) throw cannotApply(`testing value ${path} failed: doc is missing path: missing value`);
      if (!jsonEqual(found.value, expected)) {
        throw cannotApply(`testing value ${path} failed: test failed: have ${show(found.value)}, want ${show(expected)}`);
      }
      return doc;
    }
    default:
      throw cannotApply(`Unexpected kind: ${typeof kind === 'string' ? kind : show(kind)}`);
  }
}

/** The value at a pointer, if it exists. */
function lookup(doc: unknown, tokens: readonly string[]): { ok: true; value: unknown } | { ok: false } {
  let cur = doc;
  for (const token of tokens) {
    if (isList(cur)) {
      const i = arrayIndex(token);
      if (i === undefined || i >= cur.length) return { ok: false };
      cur = cur[i];
    } else if (isObject(cur) && Object.hasOwn(cur, token)) {
      cur = cur[token];
    } else {
      return { ok: false };
    }
  }
  return { ok: true, value: cur };
}

/** The container that holds the last token of a non-root pointer; throws when it does not exist. */
function parentOf(doc: unknown, tokens: readonly string[], kind: string, path: string): { parent: Container; key: string } {
  const found = lookup(doc, tokens.slice(0, -1));
  const key = tokens[tokens.length - 1];
  if (!found.ok || key === undefined || !(isList(found.value) || isObject(found.value))) {
    throw cannotApply(`${kind} operation does not apply: doc is missing path: ${path}: missing value`);
  }
  return { parent: found.value, key };
}

function index(key: string, max: number): number {
  const i = arrayIndex(key);
  if (i === undefined || i > max) throw cannotApply(`Unable to access invalid index: ${key}: invalid index referenced`);
  return i;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, 'add', path);
  if (isList(parent)) {
    if (key === '-') parent.push(value);
    else parent.splice(index(key, parent.length), 0, value);
  } else {
    setOwn(parent, key, value);
  }
  return doc;
}

function remove(doc: unknown, path: string, kind: string): void {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw cannotApply(`${kind} operation does not apply: cannot remove the whole document`);
  const { parent, key } = parentOf(doc, tokens, kind, path);
  if (isList(parent)) {
    parent.splice(index(key, parent.length - 1), 1);
  } else {
    if (!Object.hasOwn(parent, key)) throw cannotApply(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
}

function replace(doc: unknown, path: string, value: unknown): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, 'replace', path);
  if (isList(parent)) {
    parent[index(key, parent.length - 1)] = value;
  } else {
    if (!Object.hasOwn(parent, key)) throw cannotApply(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    setOwn(parent, key, value);
  }
  return doc;
}
