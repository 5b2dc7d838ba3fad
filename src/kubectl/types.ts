/**
 * The contracts every kubectl verb shares: how a verb declares its flags, what it is handed when it
 * runs, and what a resolved resource type looks like. Verbs live in `commands/<verb>.ts` and export
 * a {@link Command}; `main.ts` loads only the verb that was asked for.
 */
import type { Writable, Readable } from 'node:stream';
import type { RestClient } from '../client/rest.js';
import type { ClientConfig } from '../client/config.js';
import type { KubeObject } from '../client/types.js';

/** How a flag's value is read. `strings` may repeat and also splits on commas, as pflag's StringSlice. */
export type FlagType = 'bool' | 'string' | 'int' | 'strings' | 'stringArray' | 'duration';

/** One flag, as pflag declares it. */
export interface FlagSpec {
  /** Long name without dashes, e.g. `output`. */
  name: string;
  /** One-letter form, e.g. `o`. */
  short?: string;
  type: FlagType;
  /** Default value as kubectl prints it in help (`''`, `false`, `-1`, `[]`). */
  default?: string | number | boolean | string[];
  help: string;
  /** Accepted but not listed in help (deprecated or ignored flags). */
  hidden?: boolean;
  /** For a bool flag given bare (`--cascade`), the value it takes; for others, a value used when the flag has no `=value` (pflag NoOptDefVal). */
  noOptDefault?: string;
}

/** Parsed flag values of one invocation (global flags included). */
export interface Flags {
  /** True when the user gave the flag (even with its default value). */
  has(name: string): boolean;
  string(name: string): string;
  bool(name: string): boolean;
  int(name: string): number;
  /** `strings` and `stringArray` flags. */
  strings(name: string): string[];
  /** A `duration` flag in milliseconds (`30s`, `1m30s`, `0`). */
  duration(name: string): number;
}

/** The process's streams, injectable so verbs can be tested in-process. */
export interface Streams {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
}

/** A resource type as discovery describes it (kubectl's RESTMapping plus the APIResource facts). */
export interface ResourceMapping {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: `deployments`. */
  resource: string;
  /** Singular, lower case: `deployment`. */
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  categories: string[];
  /** Subresources served, e.g. `status`, `scale`, `log`, `exec`. */
  subresources: string[];
}

/** What a verb may ask of the environment: clients, discovery, namespace, streams. */
export interface Factory {
  readonly streams: Streams;
  /** The connection settings after kubeconfig, context and flag overrides. Throws a CliError when none can be built. */
  clientConfig(): ClientConfig;
  /** A REST client for the chosen cluster (created once). */
  client(): RestClient;
  /** The namespace to use: `-n`, else the context's, else `default`; `explicit` when `-n` was given. */
  namespace(): { namespace: string; explicit: boolean };
  /** Resolves resource types (`po`, `deploy`, `deployments.apps`, `Pod`), refreshing cached discovery once on a miss. */
  mapper(): Promise<RestMapper>;
  /** Closes the client. */
  close(): void;
}

/** Resolves what users type into resource types. */
export interface RestMapper {
  /** `pods`, `pod`, `po`, `Pod`, `deployments.apps`, `deploy.v1.apps`, `deployment.v1.apps`. Throws CliError "the server doesn't have a resource type …". */
  resolve(text: string): Promise<ResourceMapping>;
  /** The mapping of an object's apiVersion and kind (for manifests). Throws CliError when unknown. */
  forKind(apiVersion: string, kind: string): Promise<ResourceMapping>;
  /** Resource types in a category (`all`). */
  category(name: string): ResourceMapping[];
  /** Every served, preferred-version resource type. */
  all(): ResourceMapping[];
  /** The served group versions (`v1`, `apps/v1`, …) for api-versions. */
  groupVersions(): string[];
}

/** One object a verb acts on, resolved from arguments or files. */
export interface ResourceInfo {
  mapping: ResourceMapping;
  /** Empty for cluster-scoped resources. */
  namespace: string;
  name: string;
  /** The object read from a manifest (for -f), or fetched when the builder was asked to. */
  object?: KubeObject;
  /** Where it came from, for error messages (file path), when from -f. */
  source?: string;
}

/** What a verb's run() receives. */
export interface CommandContext {
  /** Positional arguments before `--`. */
  args: string[];
  /** Arguments after `--` (the command of exec, run, create job). */
  dashArgs: string[];
  flags: Flags;
  factory: Factory;
  streams: Streams;
  /** The full command path for messages and help, e.g. `kubectl rollout status`. */
  path: string;
}

/** A verb or a group of verbs (`rollout`, `set`, `config`, `create`, `auth`). */
export interface Command {
  name: string;
  aliases?: string[];
  /** One line for the command list. */
  short: string;
  /** `kubectl get [(-o|--output=)json|yaml|…] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]` */
  usage: string;
  long?: string;
  examples?: string;
  flags?: FlagSpec[];
  subcommands?: Command[];
  /** Hidden from the command list (e.g. `__complete`). */
  hidden?: boolean;
  /** The exit code of every failure, flag errors included (`diff` exits 2: its errors go through CheckDiffErr). */
  failureExitCode?: number;
  /** Flag errors print as usage errors (`error: …` and `See '… -h' for help and examples`), as kubectl diff's do. */
  flagErrorsAsUsage?: boolean;
  /** Returns the exit code (default 0). Throw CliError (or an ApiError) for failures. */
  run?(ctx: CommandContext): Promise<number | void>;
}
