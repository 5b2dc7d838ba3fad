/**
 * Every controller the controller manager can run, by kube-controller-manager's names. The order
 * is the start order; names must be unique (the manager checks).
 */
import type { ControllerDescriptor } from './controller.js';

export const allControllers: readonly ControllerDescriptor[] = [];
