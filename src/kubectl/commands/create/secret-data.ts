/** What the three Secret generators share: the draft, key checks, the object and where it goes. */
import { isConfigMapKey } from '../../../api/validation/names.js';
import { CliError } from '../../errors.js';
import type { CommandContext, FlagSpec } from '../../types.js';
import type { Target } from './run.js';
import { secretHash } from './sources.js';

/** Where every Secret generator posts, and how kubectl words its failure (no colon: kubectl's own). */
export const secretTarget: Target = { group: '', version: 'v1', resource: 'secrets', namespaced: true, errorPrefix: 'failed to create secret ' };

/** Data under construction: values are base64, as a Secret's `data` carries them. */
export interface SecretDraft {
  name: string;
  type: string;
  data: Map<string, string>;
}

/** Adds one key, rejecting invalid and repeated keys as kubectl does. */
export function addSecretKey(s: SecretDraft, key: string, bytes: Buffer): void {
  const errs = isConfigMapKey(key);
  if (errs.length > 0) throw new CliError(`${JSON.stringify(key)} is not valid key name for a Secret ${errs.join(';')}`);
  if (s.data.has(key)) throw new CliError(`cannot add key ${key}, another key by that name already exists`);
  s.data.set(key, bytes.toString('base64'));
}

/** The Secret object in Go's field order, with `--append-hash` applied. */
export function secretObject(ctx: CommandContext, s: SecretDraft): Record<string, unknown> {
  const keys = [...s.data.keys()].sort();
  const data = Object.fromEntries(keys.map((k) => [k, s.data.get(k) ?? '']));
  const name = ctx.flags.bool('append-hash') ? `${s.name}-${secretHash({ name: s.name, type: s.type, data })}` : s.name;
  return {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: { name, creationTimestamp: null },
    data: keys.length ? data : undefined,
    type: s.type || undefined,
  };
}

/** `--append-hash`. */
export const appendHashFlag: FlagSpec = { name: 'append-hash', type: 'bool', default: false, help: 'Append a hash of the secret to its name.' };
