// Generates spec/generated/k8s-proto.json: the protobufjs JSON descriptor of the vendored
// Kubernetes generated.proto files (spec/proto/k8s.io/**), so the API server loads a prepared
// descriptor (~25 ms) instead of parsing 1 MB of .proto text at start-up (~65 ms).
//
// Run: npx tsc -p tsconfig.json && node dist/scripts/gen-proto.js
// The CRI api.proto (proto3, gRPC services) is not included: the kubelet loads it separately.
import { readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import protobuf from 'protobufjs';
import { specPath } from '../src/api/spec-path.js';

/** The include root: import lines in the .proto files are relative to it. */
const protoRoot = specPath('proto');
const outFile = specPath('generated', 'k8s-proto.json');

function findGeneratedProtos(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findGeneratedProtos(path));
    else if (name === 'generated.proto') found.push(relative(protoRoot, path).split(sep).join('/'));
  }
  return found;
}

function main(): void {
  const files = findGeneratedProtos(join(protoRoot, 'k8s.io'));
  const root = new protobuf.Root();
  // Imports are written as "k8s.io/…/generated.proto": resolve them against the include root.
  root.resolvePath = (_origin: string, target: string): string => join(protoRoot, target);
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  const out = {
    generatedBy: 'scripts/gen-proto.ts from spec/proto (see spec/proto/SOURCE.md); do not edit',
    files,
    descriptor: root.toJSON(),
  };
  mkdirSync(specPath('generated'), { recursive: true });
  writeFileSync(outFile, JSON.stringify(out) + '\n');
  process.stdout.write(`gen-proto: ${files.length} files -> ${relative(process.cwd(), outFile)}\n`);
}

main();
