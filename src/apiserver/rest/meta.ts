/** Object metadata chores done on every create: names from generateName, uid, timestamps. */
import { randomInt, randomUUID } from 'node:crypto';

// Kubernetes' generateName alphabet: no vowels (no accidental words) and no look-alike characters.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** RFC3339 with second precision, as Kubernetes writes metav1.Time. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

export const newUid = (): string => randomUUID();
