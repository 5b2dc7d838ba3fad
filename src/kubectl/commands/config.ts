/**
 * `kubectl config`: read and change kubeconfig files. The subcommands live in `config/`; they work
 * on the files alone and never contact a server.
 */
import type { Command } from '../types.js';
import { currentContext, deleteContext, getContexts, renameContext, setContext, useContext } from './config/contexts.js';
import { setCredentials } from './config/credentials.js';
import { deleteCluster, deleteUser, getClusters, getUsers, setCluster } from './config/entries.js';
import { setProperty, unsetProperty } from './config/property.js';
import { view } from './config/view.js';

export const command: Command = {
  name: 'config',
  short: 'Modify kubeconfig files',
  long: `Modify kubeconfig files using subcommands like "kubectl config set current-context my-context".

 The loading order follows these rules:

  1.  If the --kubeconfig flag is set, then only that file is loaded. The flag may only be set once and no merging takes place.
  2.  If $KUBECONFIG environment variable is set, then it is used as a list of paths (normal path delimiting rules for your system). These paths are merged. When a value is modified, it is modified in the file that defines the stanza. When a value is created, it is created in the first file that exists. If no files in the chain exist, then it creates the last file in the list.
  3.  Otherwise, \${HOME}/.kube/config is used and no merging takes place.`,
  usage: 'kubectl config SUBCOMMAND',
  subcommands: [
    currentContext,
    deleteCluster,
    deleteContext,
    deleteUser,
    getClusters,
    getContexts,
    getUsers,
    renameContext,
    setProperty,
    setCluster,
    setContext,
    setCredentials,
    unsetProperty,
    useContext,
    view,
  ],
};
