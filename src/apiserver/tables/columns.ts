// Small builders for column definitions, so each kind's column list reads like upstream's.
import { DESCRIPTIONS } from './descriptions.js';
import type { ColumnDefinition } from './types.js';

/** A column; `wide` marks a priority-1 (`-o wide`) column. */
export function col(name: string, type: string, description: string, opts: { wide?: boolean; format?: string } = {}): ColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.wide === true ? 1 : 0 };
}

/** A string column. */
export const s = (name: string, description: string, wide = false): ColumnDefinition => col(name, 'string', description, { wide });

/** An integer column. */
export const i = (name: string, description: string, wide = false): ColumnDefinition => col(name, 'integer', description, { wide });

/** The `Name` column every printer starts with (format `name`). */
export const NAME: ColumnDefinition = col('Name', 'string', DESCRIPTIONS.name, { format: 'name' });

/** The `Age` column (a string cell such as "5m"). */
export const AGE: ColumnDefinition = s('Age', DESCRIPTIONS.creationTimestamp);

/** The wide `Containers` column of workload printers. */
export const CONTAINERS: ColumnDefinition = s('Containers', 'Names of each container in the template.', true);

/** The wide `Images` column of workload printers. */
export const IMAGES: ColumnDefinition = s('Images', 'Images referenced by each container in the template.', true);
