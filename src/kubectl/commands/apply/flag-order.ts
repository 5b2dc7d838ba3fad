/** Flags in the order kubectl's help lists them: cobra sorts them by name. */
import type { FlagSpec } from '../../types.js';

export const byName = (flags: FlagSpec[]): FlagSpec[] => [...flags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
