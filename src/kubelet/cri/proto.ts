/**
 * The CRI v1 schema (spec/proto/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto), made loadable: the
 * file imports gogoproto, which is not vendored and only steers Go code generation, so its import
 * and its file-level options are removed in memory before parsing. Shared by the client and by
 * scripts/gen-cri-types.ts, so both read the schema the same way.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { specPath } from '../../api/spec-path.js';

/** Path of the vendored CRI api.proto. */
export const CRI_PROTO_PATH = specPath('proto', 'k8s.io', 'cri-api', 'pkg', 'apis', 'runtime', 'v1', 'api.proto');

/** The protobuf package the CRI services live in. */
export const CRI_PACKAGE = 'runtime.v1';

/** api.proto's text without the gogoproto import and options (the wire format is unaffected). */
export function criProtoText(path: string = CRI_PROTO_PATH): string {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => !/^\s*import\s+"github\.com\/gogo\//.test(l) && !/^\s*option\s+\(gogoproto\./.test(l))
    .join('\n');
}

let cached: protobuf.Root | undefined;

/** The parsed schema with field names exactly as written in api.proto (snake_case), with its comments. */
export function criRoot(): protobuf.Root {
  if (cached) return cached;
  const parsed = protobuf.parse(criProtoText(), { keepCase: true, alternateCommentMode: true });
  parsed.root.resolveAll();
  cached = parsed.root;
  return cached;
}
