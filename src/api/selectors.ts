// Label and field selectors: parse the query-string forms, convert metav1.LabelSelector, match
// objects, print canonical strings. Pure logic for the API server, controllers and kubectl.
export { ok, fail, type SelectorResult } from './selectors/result.js';
export { isLabelKey, isLabelValue, LABEL_VALUE_MAX_LENGTH } from './selectors/validation.js';
export {
  LabelSelector,
  newRequirement,
  requirementMatches,
  requirementToString,
  type LabelOperator,
  type LabelRequirement,
  type Labels,
} from './selectors/label-selector.js';
export { parseLabelSelector } from './selectors/label-parser.js';
export {
  labelSelectorFromSpec,
  validateLabelSelectorSpec,
  type LabelSelectorSpec,
  type LabelSelectorRequirementSpec,
  type LabelSelectorValidationOptions,
} from './selectors/label-selector-struct.js';
export {
  FieldSelector,
  parseFieldSelector,
  escapeFieldValue,
  unescapeFieldValue,
  type FieldRequirement,
  type Fields,
} from './selectors/field-selector.js';
export { convertFieldLabel, fieldSelectorForKind, fieldsOf, supportedFieldLabels, type GroupKind } from './selectors/field-sets.js';
