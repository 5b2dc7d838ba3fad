// Loads the Kubernetes protobuf schema (spec/generated/k8s-proto.json, made by scripts/gen-proto.ts)
// and the Go-derived field facts (spec/generated/proto-go-facts.json, made by
// scripts/gen-proto-go-facts.ts), and maps apiVersion+kind to a message type.
// Loading is lazy: the API server pays the ~25 ms only when the first protobuf body arrives,
// or at start-up if it calls loadProtoSchema() to warm up.
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { specPath } from '../spec-path.js';

/** Per-message facts from the Go types that the .proto files lack (all lists hold proto field names). */
export interface MessageFacts {
  /** Proto field name → JSON property name, where they differ (e.g. `ref` → `$ref`). */
  json?: Record<string, string>;
  /** Fields whose message is inlined into the parent's JSON object (`json:",inline"`). */
  inline?: string[];
  /** Scalar fields Go drops from JSON when zero (non-pointer `omitempty`). */
  omitZero?: string[];
  /** Fields of a Go pointer type (`*int32`, `*PodSecurityContext`): absent means nil. */
  pointer?: string[];
  /** Fields without `omitempty`: Go's JSON writes them even when empty (`null`, `""`, `0`). */
  always?: string[];
  /** The message stands for a Go slice type (`type Verbs []string`): its JSON is the `items` array. */
  slice?: true;
}

interface FactsFile {
  groupVersions: Record<string, string>;
  messages: Record<string, MessageFacts>;
}

/** The package of meta.k8s.io/v1, whose kinds (Status, DeleteOptions, WatchEvent…) Go registers in every group version. */
export const META_V1 = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** A loaded schema: the protobufjs root plus the facts and the apiVersion → proto package table. */
export class ProtoSchema {
  private readonly typesByGVK = new Map<string, protobuf.Type | null>();

  constructor(
    readonly root: protobuf.Root,
    /** apiVersion ("v1", "apps/v1", "rbac.authorization.k8s.io/v1") → proto package. */
    readonly groupVersions: ReadonlyMap<string, string>,
    private readonly facts: ReadonlyMap<string, MessageFacts>,
  ) {}

  /** The facts of a message type by full name without the leading dot (empty when it has none). */
  factsOf(fullName: string): MessageFacts {
    return this.facts.get(fullName) ?? {};
  }

  /** A message type by full name (with or without the leading dot), or undefined. */
  type(fullName: string): protobuf.Type | undefined {
    const found = this.root.lookup(fullName.startsWith('.') ? fullName : `.${fullName}`);
    return found instanceof protobuf.Type ? found : undefined;
  }

  /**
   * The message type of an apiVersion+kind: the kind in its group version's package, else the
   * meta.k8s.io/v1 kind of that name (Status, DeleteOptions, WatchEvent, APIResourceList… are
   * registered in every group version). Undefined for kinds without protobuf (custom resources).
   */
  typeForKind(apiVersion: string, kind: string): protobuf.Type | undefined {
    const key = `${apiVersion}\u0000${kind}`;
    let found = this.typesByGVK.get(key);
    if (found === undefined) {
      const pkg = this.groupVersions.get(apiVersion);
      found = (pkg === undefined ? undefined : this.type(`${pkg}.${kind}`)) ?? null;
      if (found === null && pkg !== undefined) found = this.type(`${META_V1}.${kind}`) ?? null;
      this.typesByGVK.set(key, found);
    }
    return found ?? undefined;
  }
}

let loaded: ProtoSchema | undefined;

function readJson(file: string, regenerate: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new Error(`cannot read ${file} (regenerate with ${regenerate}): ${String(err)}`);
  }
}

/** Builds a schema from the two generated files' parsed contents (exposed for tests). */
export function buildProtoSchema(descriptorFile: unknown, factsFile: unknown): ProtoSchema {
  const descriptor = (descriptorFile as { descriptor?: protobuf.INamespace } | null)?.descriptor;
  const facts = factsFile as Partial<FactsFile> | null;
  if (descriptor === undefined || typeof facts?.groupVersions !== 'object' || typeof facts.messages !== 'object') {
    throw new Error('protobuf schema files are incomplete (regenerate with scripts/gen-proto.ts and scripts/gen-proto-go-facts.ts)');
  }
  const root = protobuf.Root.fromJSON(descriptor);
  root.resolveAll();
  return new ProtoSchema(root, new Map(Object.entries(facts.groupVersions)), new Map(Object.entries(facts.messages)));
}

/** The process-wide schema, read from spec/generated on first use. */
export function loadProtoSchema(): ProtoSchema {
  loaded ??= buildProtoSchema(
    readJson(specPath('generated', 'k8s-proto.json'), 'scripts/gen-proto.ts'),
    readJson(specPath('generated', 'proto-go-facts.json'), 'scripts/gen-proto-go-facts.ts'),
  );
  return loaded;
}
