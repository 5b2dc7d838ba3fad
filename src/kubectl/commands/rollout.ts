/** `kubectl rollout SUBCOMMAND`: history, pause, resume, undo, status, restart. */
import type { Command } from '../types.js';
import { history } from './rollout/history.js';
import { pause, restart, resume } from './rollout/mutate.js';
import { status } from './rollout/status.js';
import { undo } from './rollout/undo.js';

export const command: Command = {
  name: 'rollout',
  short: 'Manage the rollout of a resource',
  long: `Manage the rollout of one or many resources.
        
 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets`,
  usage: 'kubectl rollout SUBCOMMAND',
  examples: `  # Rollback to the previous deployment
  kubectl rollout undo deployment/abc

  # Check the rollout status of a daemonset
  kubectl rollout status daemonset/foo

  # Restart a deployment
  kubectl rollout restart deployment/abc

  # Restart deployments with the 'app=nginx' label
  kubectl rollout restart deployment --selector=app=nginx`,
  subcommands: [history, pause, restart, resume, status, undo],
};
