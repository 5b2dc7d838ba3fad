/** `kubectl auth can-i|whoami`: inspect authorization. */
import type { Command } from '../types.js';
import { canI } from './auth/can-i.js';
import { whoami } from './auth/whoami.js';

export const command: Command = {
  name: 'auth',
  short: 'Inspect authorization',
  long: 'Inspect authorization.',
  usage: 'kubectl auth [flags]',
  subcommands: [canI, whoami],
};
