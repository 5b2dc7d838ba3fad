// Maps full schema names (io.k8s.api.apps.v1.Deployment) to generated TypeScript modules
// (src/api/generated/apps/v1.ts). A module is one Go package; its directory is the Go package's
// name, which is unique among Kubernetes API packages (rbac.authorization.k8s.io → rbac/v1,
// flowcontrol.apiserver.k8s.io → flowcontrol/v1). The generator fails if two Go packages ever
// land on the same module, so the mapping stays unambiguous.

/** Where one Go package's schemas go. */
export interface ModuleInfo {
  /** Module path under src/api/generated, without extension: `apps/v1`. */
  path: string;
  /** Schema-name prefix of the Go package: `io.k8s.api.apps.v1`. */
  prefix: string;
  /** Go import path: `k8s.io/api/apps/v1`. */
  goPackage: string;
}

// apimachinery packages outside pkg/apis have no API version of their own; they get readable names.
const FIXED: Record<string, string> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1': 'meta/v1',
  'io.k8s.apimachinery.pkg.api.resource': 'apimachinery/resource',
  'io.k8s.apimachinery.pkg.runtime': 'apimachinery/runtime',
  'io.k8s.apimachinery.pkg.util.intstr': 'apimachinery/intstr',
  'io.k8s.apimachinery.pkg.version': 'apimachinery/version',
};

const API_PACKAGE = /^io\.k8s\.api\.([a-z0-9]+)\.(v[a-z0-9]+)$/; // k8s.io/api/<pkg>/<version>
const APIS_PACKAGE = /^io\.k8s\.[a-z0-9-]+\.pkg\.apis\.([a-z0-9]+)\.(v[a-z0-9]+)$/; // apiextensions, kube-aggregator

/** The module of a full schema name; throws for a package the mapping does not know. */
export function moduleOf(schemaName: string): ModuleInfo {
  const dot = schemaName.lastIndexOf('.');
  const prefix = schemaName.slice(0, dot);
  const m = API_PACKAGE.exec(prefix) ?? APIS_PACKAGE.exec(prefix);
  const path = FIXED[prefix] ?? (m === null ? undefined : `${m[1] ?? ''}/${m[2] ?? ''}`);
  if (dot < 0 || path === undefined) {
    throw new Error(`no module mapping for schema ${schemaName}: add its package to scripts/gen-types/modules.ts`);
  }
  return { path, prefix, goPackage: `k8s.io/${prefix.slice('io.k8s.'.length).replaceAll('.', '/')}` };
}

/** The TypeScript type name of a schema: its last segment (unique within its module). */
export function typeNameOf(schemaName: string): string {
  return schemaName.slice(schemaName.lastIndexOf('.') + 1);
}

/** Namespace alias used when one module imports another: `rbac/v1` → `rbacV1`. */
export function aliasOf(modulePath: string): string {
  return modulePath
    .split(/[/._-]+/)
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}

/** Relative import specifier from one module to another, with the .js extension ESM needs. */
export function importSpecifier(fromPath: string, toPath: string): string {
  const depth = fromPath.split('/').length - 1;
  return `${'../'.repeat(depth)}${toPath}.js`;
}

/** Groups schema names by module and checks that no module or alias is claimed by two packages. */
export function groupByModule(schemaNames: Iterable<string>): Map<string, { info: ModuleInfo; names: string[] }> {
  const modules = new Map<string, { info: ModuleInfo; names: string[] }>();
  const aliases = new Map<string, string>();
  for (const name of schemaNames) {
    const info = moduleOf(name);
    const existing = modules.get(info.path);
    if (existing !== undefined && existing.info.prefix !== info.prefix) {
      throw new Error(`module ${info.path} would hold both ${existing.info.prefix} and ${info.prefix}`);
    }
    const alias = aliasOf(info.path);
    if ((aliases.get(alias) ?? info.path) !== info.path) throw new Error(`alias ${alias} is ambiguous (${info.path})`);
    aliases.set(alias, info.path);
    if (existing === undefined) modules.set(info.path, { info, names: [name] });
    else existing.names.push(name);
  }
  return new Map([...modules.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
