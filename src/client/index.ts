/**
 * The k8ts client library (what client-go is to Kubernetes components): kubeconfig loading, the
 * REST client and typed resource clients, watch decoding, informers with an indexed cache, the
 * rate-limited work queue, Lease leader election and the Event recorder.
 */
export * from './clock.js';
export * from './config.js';
export * from './events.js';
export * from './informer.js';
export * from './leader-election.js';
export * from './paths.js';
export * from './rate-limiter.js';
export * from './resource.js';
export * from './rest.js';
export * from './store.js';
export * from './types.js';
export * from './watch.js';
export * from './workqueue.js';
export * from './resources.js';
export * from './shared-informers.js';
export * from './leader-run.js';
