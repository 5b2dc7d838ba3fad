/**
 * Every controller the controller manager can run, by kube-controller-manager's names. The order
 * is the start order; names must be unique (the manager checks).
 */
import type { ControllerDescriptor } from './controller.js';
import { cronJobController } from './cronjob/controller.js';
import { daemonSetController } from './daemonset/controller.js';
import { deploymentController } from './deployment.js';
import { endpointsController } from './endpoints.js';
import { endpointSliceController } from './endpointslice/controller.js';
import { garbageCollectorController } from './garbagecollector/controller.js';
import { hpaController } from './hpa/horizontal.js';
import { jobController } from './job/controller.js';
import { namespaceController } from './namespace.js';
import { nodeIpamController } from './node-ipam.js';
import { nodeLifecycleController } from './node-lifecycle/controller.js';
import { podGcController } from './podgc.js';
import { replicaSetController, replicationControllerController } from './replicaset.js';
import { rootCaPublisherController } from './root-ca.js';
import { serviceAccountController } from './serviceaccount.js';
import { serviceLbController } from './servicelb/controller.js';
import { ttlAfterFinishedController } from './ttl-after-finished.js';

export const allControllers: readonly ControllerDescriptor[] = [
  serviceAccountController,
  rootCaPublisherController,
  namespaceController,
  nodeIpamController,
  nodeLifecycleController,
  garbageCollectorController,
  replicationControllerController,
  replicaSetController,
  deploymentController,
  daemonSetController,
  jobController,
  cronJobController,
  ttlAfterFinishedController,
  endpointsController,
  endpointSliceController,
  podGcController,
  hpaController,
  serviceLbController,
];
