/** Object metadata chores done on every create: names from generateName, uid, timestamps. */
import { randomInt, randomUUID } from 'node:crypto';

// Kubernetes' generateName alphabet: no vowels (no accidental words) and no look-alike characters.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export { rfc3339 } from '../../api/time.js';

export const newUid = (): string => randomUUID();
