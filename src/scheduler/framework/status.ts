/**
 * What a plugin says about a pod (kube-scheduler's framework.Status): a code and the reasons a
 * node was rejected, as they appear in "0/3 nodes are available: …". "Does not fit" is a Status,
 * never an exception; an exception is a bug.
 */

/** Status codes, as upstream's framework.Code. */
export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

/** The outcome of one plugin call. */
export interface Status {
  readonly code: Code;
  /** Each reason counts once per node in the FailedScheduling histogram. */
  readonly reasons: readonly string[];
  /** The plugin that returned it (filled by the framework). */
  plugin?: string;
}

const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: Object.freeze([]) });
const SKIP: Status = Object.freeze({ code: 'Skip', reasons: Object.freeze([]) });

/** The shared Success status (never mutate it). */
export const success = (): Status => SUCCESS;
/** The shared Skip status: a PreFilter/PreScore plugin has nothing to do for this pod. */
export const skip = (): Status => SKIP;
/** The node cannot take the pod now, but preempting pods on it may help. */
export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
/** The node cannot take the pod, and preemption would not change that. */
export const unresolvable = (...reasons: string[]): Status => ({ code: 'UnschedulableAndUnresolvable', reasons });
/** Something went wrong (not a scheduling verdict). */
export const errorStatus = (message: string): Status => ({ code: 'Error', reasons: [message] });

/** True for Success (and Skip, which means "nothing to check"). */
export const isSuccess = (s: Status): boolean => s.code === 'Success' || s.code === 'Skip';
/** True when the pod was rejected (either unschedulable code). */
export const isRejected = (s: Status): boolean => s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';

/** The reasons joined as upstream's Status.Message. */
export const messageOf = (s: Status): string => s.reasons.join(', ');

/** Tags `s` with the plugin that produced it (copies the shared singletons). */
export function withPlugin(s: Status, plugin: string): Status {
  if (s.plugin === plugin) return s;
  return { code: s.code, reasons: s.reasons, plugin };
}
