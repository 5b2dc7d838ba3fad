/**
 * Go text/template as kubectl's `-o go-template=` / `--template` runs it over an object: the
 * builtins plus kubectl's `base64decode` and `exists`; a missing key prints `<no value>` (kubectl's
 * `--allow-missing-template-keys=true`, Go's missingkey=default) or fails with Go's
 * `map has no entry for key "x"` when not allowed.
 */
import { execute, TemplateExecError } from './go-template/exec.js';
import { parseTemplate, TemplateParseError, type Tree } from './go-template/parse.js';

export { TemplateExecError, TemplateParseError };

const KUBECTL_FUNCS: ReadonlySet<string> = new Set(['base64decode', 'exists']);

/** A parsed template. The constructor throws {@link TemplateParseError} with Go's message. */
export class GoTemplate {
  private readonly tree: Tree;

  constructor(readonly text: string) {
    this.tree = parseTemplate(text, KUBECTL_FUNCS);
  }

  /**
   * The output for `data`. Throws {@link TemplateExecError}; its `partial` property holds what was
   * written before the failure (kubectl prints that too).
   */
  execute(data: unknown, o: { allowMissingKeys?: boolean } = {}): string {
    return execute(this.tree, this.text, data, o.allowMissingKeys === false);
  }
}

/** The output written before an execution error. */
export function partialOutput(e: unknown): string {
  return e instanceof TemplateExecError ? String((e as TemplateExecError & { partial?: string }).partial ?? '') : '';
}
