// Container probes: single attempts (runProbe) and the periodic manager.
export { type Clock, realClock } from './clock.js';
export { type ContainerRunState, ProbeManager, type ProbeManagerOptions } from './manager.js';
export { type ExecFn, type ProbeKind, type ProbeOutcome, type ProbeResult, probeTiming, type ProbeTarget, resolvePort, runProbe } from './probe.js';
