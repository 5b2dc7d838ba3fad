/** Labels that tie an EndpointSlice to its Service and its writer, shared by every reader and writer of slices. */
import type { EndpointSlice } from './generated/discovery/v1.js';

/** The Service a slice belongs to (by name, in the slice's namespace). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** Who writes a slice; each writer leaves the others' slices alone. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';

/** The `namespace/name` of the Service a slice belongs to, or undefined when it names none. */
export function sliceServiceKey(slice: EndpointSlice): string | undefined {
  const name = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return name ? `${slice.metadata?.namespace ?? ''}/${name}` : undefined;
}
