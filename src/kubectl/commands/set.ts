/** `kubectl set SUBCOMMAND`: env, image, resources, serviceaccount (the pod-template editors). */
import type { Command } from '../types.js';
import { env } from './set/env.js';
import { image } from './set/image.js';
import { resources } from './set/resources.js';
import { serviceaccount } from './set/serviceaccount.js';

export const command: Command = {
  name: 'set',
  short: 'Set specific features on objects',
  long: `Configure application resources.

 These commands help you make changes to existing application resources.`,
  usage: 'kubectl set SUBCOMMAND',
  subcommands: [env, image, resources, serviceaccount],
};
