// Generates src/api/generated/** (TypeScript types) and spec/generated/schema-index.json from the
// vendored Kubernetes OpenAPI v3 documents.
// Usage: node dist/scripts/gen-types.js [specDir]   (default: spec/openapi/v3 of this package;
// the Kubernetes version is read from VERSION in specDir's parent directory).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { packageRoot, specPath } from '../src/api/spec-path.js';
import { GENERATED_TS_DIR, generate } from './gen-types/generate.js';
import { loadSpec, readVersion } from './gen-types/spec.js';

function main(argv: string[]): void {
  const specDir = argv[0] === undefined ? specPath('openapi', 'v3') : resolve(argv[0]);
  const spec = loadSpec(specDir, readVersion(join(specDir, '..', 'VERSION')));
  for (const name of spec.conflicts) console.warn(`gen-types: ${name} differs between documents; kept the first copy`);
  const files = generate(spec);
  const root = packageRoot();
  // The directory is wholly generated: clear it so schemas removed from the spec leave no stale modules.
  rmSync(join(root, GENERATED_TS_DIR), { recursive: true, force: true });
  let tsBytes = 0;
  for (const [path, content] of files) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    if (path.endsWith('.ts')) tsBytes += Buffer.byteLength(content);
    else console.log(`gen-types: ${path} ${Buffer.byteLength(content)} bytes`);
  }
  const modules = [...files.keys()].filter((p) => p.endsWith('.ts')).length;
  console.log(`gen-types: ${spec.files.length} documents, ${spec.schemas.size} schemas -> ${modules} modules, ${tsBytes} bytes of TypeScript`);
}

main(process.argv.slice(2));
