/**
 * Patch metadata as kubectl's three-way diff asks for it: for a field of a map, its strategy,
 * merge key, whether it declares `retainKeys`, and the shape of its value (or of its elements for a
 * list). Built on the same schema facts the server's strategic merge patch uses
 * (src/api/patch/strategic-schema.ts), so client and server agree on every list.
 */
import { loadSchemaIndex, patchMetaFor, type SchemaIndex } from '../../api/schema.js';
import { fieldInfo, type Shape } from '../../api/patch/strategic-schema.js';

/** What the diff needs to know about one field. */
export interface FieldMeta {
  /** `merge`, `replace` or none (the retainKeys strategy is reported separately). */
  strategy: string | undefined;
  mergeKey: string | undefined;
  retainKeys: boolean;
}

/** A position in the schema: the shape of the map being diffed. Unknown shapes merge like JSON. */
export class PatchMeta {
  constructor(
    readonly shape: Shape,
    private readonly index: SchemaIndex,
  ) {}

  /** The schema of a built-in object, e.g. `io.k8s.api.apps.v1.Deployment`. */
  static forSchema(schemaName: string, index: SchemaIndex = loadSchemaIndex()): PatchMeta {
    return new PatchMeta({ schema: schemaName }, index);
  }

  /** Field `key` holding a map: its metadata and the position inside it. */
  struct(key: string): { meta: FieldMeta; sub: PatchMeta } {
    const info = fieldInfo(this.shape, key, this.index);
    return { meta: this.meta(key, info.strategy, info.mergeKey), sub: new PatchMeta(info.shape, this.index) };
  }

  /** Field `key` holding a list: its metadata and the position inside its elements. */
  slice(key: string): { meta: FieldMeta; sub: PatchMeta } {
    const info = fieldInfo(this.shape, key, this.index);
    return { meta: this.meta(key, info.strategy, info.mergeKey), sub: new PatchMeta(info.elementShape, this.index) };
  }

  /** How error messages name this position (kubectl names the schema's type). */
  name(): string {
    return this.shape !== undefined && 'schema' in this.shape ? this.shape.schema : 'object';
  }

  private meta(key: string, strategy: string | undefined, mergeKey: string | undefined): FieldMeta {
    const shape = this.shape;
    const declared = shape !== undefined && 'schema' in shape ? (patchMetaFor(shape.schema, key, this.index).strategy ?? []) : [];
    return { strategy, mergeKey, retainKeys: declared.includes('retainKeys') };
  }
}
