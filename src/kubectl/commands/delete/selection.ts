/**
 * The checks kubectl's resource builder makes on `TYPE [NAME…]` arguments before it asks the
 * server anything, shared by the verbs that select objects (delete, label, annotate).
 */
import { CliError } from '../../errors.js';

/** What selects objects besides the arguments. */
export interface SelectionFlags {
  /** `--all`. */
  all: boolean;
  selector: string;
  fieldSelector: string;
  filenames: string[];
}

/** Throws kubectl's builder errors for arguments that name no object or mix names and selectors. */
export function checkSelection(args: string[], o: SelectionFlags): void {
  if (o.filenames.length === 0 && args.length === 0) {
    throw new CliError("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
  }
  if (o.filenames.length > 0 || args.some((a) => a.includes('/'))) return;
  if (args.length > 1 && (o.selector || o.all || o.fieldSelector)) throw new CliError('name cannot be provided when a selector is specified');
  if (args.length === 1) {
    if (o.all && (o.selector || o.fieldSelector)) throw new CliError("setting 'all' parameter but found a non empty selector. ");
    if (!o.all && !o.selector && !o.fieldSelector) throw new CliError('resource(s) were provided, but no name was specified');
  }
}

/**
 * The builder's "single item implied": one object named (`TYPE NAME`, `TYPE/NAME`) or one file.
 * `--resource-version` and the `--list` layout of label and annotate depend on it.
 */
export function singleItemImplied(args: string[], filenames: string[], isDir: (path: string) => boolean): boolean {
  if (filenames.length > 0) return filenames.length === 1 && filenames[0] !== '-' && !isDir(filenames[0] ?? '');
  if (args.some((a) => a.includes('/'))) return args.length === 1;
  return args.length === 2;
}
