/** Label and field selectors from a request, as one predicate over stored objects. */
import { badRequest } from '../../api/errors.js';
import { fieldSelectorForKind, fieldsOf, parseFieldSelector, parseLabelSelector } from '../../api/selectors.js';
import type { StoredObject } from '../object.js';
import type { Resource } from '../registry.js';

export interface Selection {
  matches(obj: StoredObject): boolean;
  /** True when no selector narrows the result (remainingItemCount is only given then). */
  everything: boolean;
}

export function selection(res: Resource, query: URLSearchParams): Selection {
  const ls = query.get('labelSelector') ?? '';
  const fs = query.get('fieldSelector') ?? '';
  const labels = parseLabelSelector(ls);
  if (!labels.ok) throw badRequest(`unable to parse requirement: ${labels.error}`);
  const parsedFields = parseFieldSelector(fs);
  if (!parsedFields.ok) throw badRequest(parsedFields.error);
  const gk = { group: res.group, kind: res.kind };
  // Custom resources support only metadata.name and metadata.namespace, like the built-in default.
  const fields = fieldSelectorForKind(gk, parsedFields.value);
  if (!fields.ok) throw badRequest(fields.error);
  const lsel = labels.value;
  const fsel = fields.value;
  const noFields = fs.trim() === '';
  return {
    everything: ls.trim() === '' && noFields,
    matches: (obj) => lsel.matches(obj.metadata.labels ?? {}) && (noFields || fsel.matches(fieldsOf(gk, obj, res.namespaced))),
  };
}
