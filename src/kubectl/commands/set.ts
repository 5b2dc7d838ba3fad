/** `kubectl set SUBCOMMAND`: env, image, resources, serviceaccount (the pod-template editors), selector and subject. */
import type { Command } from '../types.js';
import { env } from './set/env.js';
import { image } from './set/image.js';
import { resources } from './set/resources.js';
import { selector } from './set/selector.js';
import { serviceaccount } from './set/serviceaccount.js';
import { subject } from './set/subject.js';

export const command: Command = {
  name: 'set',
  short: 'Set specific features on objects',
  long: `Configure application resources.

 These commands help you make changes to existing application resources.`,
  usage: 'kubectl set SUBCOMMAND',
  subcommands: [env, image, resources, selector, serviceaccount, subject],
};
