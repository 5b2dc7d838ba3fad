// Captures golden fixtures for the protobuf codec: for each command in GOLDEN_COMMANDS, the body
// the real kubectl 1.32 sends (protobuf) and the body kubectl 1.31 sends for the same command
// (JSON), both against the local stub in src/api/proto/testing/kubectl-stub.ts.
// Writes src/api/proto/testdata/<name>.pb, <name>.json and captures.json (paths, content types).
//
// Run: npx tsc -p tsconfig.json && node dist/scripts/capture-kubectl-proto.js
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/api/spec-path.js';
import { GOLDEN_COMMANDS, captureKubectl, findKubectl } from '../src/api/proto/testing/kubectl-stub.js';

async function main(): Promise<void> {
  const out = join(packageRoot(), 'src', 'api', 'proto', 'testdata');
  mkdirSync(out, { recursive: true });
  const kubectl132 = findKubectl('32');
  const kubectl131 = findKubectl('31');
  if (kubectl132 === undefined || kubectl131 === undefined) throw new Error('kubectl 1.32 and 1.31 are needed (see KUBECTL_DIR)');
  const proto = await captureKubectl(kubectl132, GOLDEN_COMMANDS, '32');
  const json = await captureKubectl(kubectl131, GOLDEN_COMMANDS, '31');
  const manifest: Record<string, unknown>[] = [];
  for (const command of GOLDEN_COMMANDS) {
    const p = proto.get(command.name) ?? [];
    const j = json.get(command.name) ?? [];
    const pb = p[0];
    const js = j[0];
    if (p.length !== 1 || j.length !== 1 || pb === undefined || js === undefined) {
      throw new Error(`${command.name}: expected one write from each kubectl, got ${p.length} and ${j.length}`);
    }
    writeFileSync(join(out, `${command.name}.pb`), pb.body);
    writeFileSync(join(out, `${command.name}.json`), js.body);
    manifest.push({
      name: command.name,
      args: command.args,
      kubectl132: { method: pb.method, path: pb.path, contentType: pb.contentType },
      kubectl131: { method: js.method, path: js.path, contentType: js.contentType },
    });
    process.stdout.write(`${command.name}: ${pb.method} ${pb.path} ${pb.contentType} ${pb.body.length} B; 1.31 ${js.contentType} ${js.body.length} B\n`);
  }
  writeFileSync(join(out, 'captures.json'), JSON.stringify(manifest, null, 1) + '\n');
}

await main();
