// Server-side Table printing (meta.k8s.io/v1 Table) as kube-apiserver 1.32 does it for kubectl get:
// per-kind convertors, the default convertor, CRD printer columns and the Table builder.
export { tableConvertorFor, hasPrinter } from './tables/registry.js';
export { crdTableConvertor, defaultTable, type PrinterColumn } from './tables/crd.js';
export { toTable } from './tables/table.js';
export { humanDuration } from '../api/printing/format.js';
export { JsonPathError } from '../api/jsonpath.js';
export type {
  ColumnDefinition,
  IncludeObject,
  PartialObjectMetadata,
  RowCondition,
  Table,
  TableConvertor,
  TableRow,
  ToTableOptions,
} from './tables/types.js';
