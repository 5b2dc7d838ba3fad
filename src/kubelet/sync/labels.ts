/** The labels and annotations the kubelet puts on CRI sandboxes and containers (upstream's names). */
export const POD_NAME = 'io.kubernetes.pod.name';
export const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const POD_UID = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME = 'io.kubernetes.container.name';
export const CONTAINER_HASH = 'io.kubernetes.container.hash';
export const RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const TERMINATION_GRACE = 'io.kubernetes.pod.terminationGracePeriod';
/** Marks init containers so status and restarts can tell them apart from app containers. */
export const INIT_CONTAINER = 'io.k8ts.container.init';
