// Tables of configuration and access kinds: ConfigMap, Secret, ServiceAccount, ResourceQuota,
// RoleBinding and ClusterRoleBinding.
import { arr, asObject, get, mapLen, objs, str } from '../../api/printing/access.js';
import { AGE, NAME, s } from './columns.js';
import { DESCRIPTIONS as D } from './descriptions.js';
import { ageOf, nameOf, quantity } from '../../api/printing/format.js';
import type { ColumnDefinition, TableConvertor } from './types.js';

/** ConfigMap: Data (entries of data plus binaryData). */
export const configMapTable: TableConvertor = {
  columns: [NAME, s('Data', D.cmData), AGE],
  cells: (o, now) => [nameOf(o), mapLen(o, 'data') + mapLen(o, 'binaryData'), ageOf(o, now)],
};

/** Secret: Type, Data. */
export const secretTable: TableConvertor = {
  columns: [NAME, s('Type', D.secretType), s('Data', D.secretData), AGE],
  // v1 defaulting makes an unset type Opaque.
  cells: (o, now) => [nameOf(o), str(o, 'type') || 'Opaque', mapLen(o, 'data'), ageOf(o, now)],
};

/** ServiceAccount: Secrets (a count). */
export const serviceAccountTable: TableConvertor = {
  columns: [NAME, s('Secrets', D.saSecrets), AGE],
  cells: (o, now) => [nameOf(o), arr(o, 'secrets').length, ageOf(o, now)],
};

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** ResourceQuota: Request and Limit, "pods: 1/10, requests.cpu: 0/2" from status.used/hard. */
export const resourceQuotaTable: TableConvertor = {
  columns: [
    NAME,
    s('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    s('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    AGE,
  ],
  cells: (o, now) => {
    const hard = asObject(get(o, 'status', 'hard')) ?? {};
    const used = asObject(get(o, 'status', 'used')) ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const name of Object.keys(hard).sort(byteOrder)) {
      const text = `${name}: ${quantity(used[name])}/${quantity(hard[name])}`;
      (name.split('.')[0] === 'limits' && name.includes('.') ? limits : requests).push(text);
    }
    return [nameOf(o), requests.join(', '), limits.join(', '), ageOf(o, now)];
  },
};

/** Upstream `rbac.SubjectsStrings`: users, groups and `namespace/name` service accounts. */
function subjects(o: unknown): [users: string, groups: string, serviceAccounts: string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const sub of objs(o, 'subjects')) {
    const kind = str(sub, 'kind');
    if (kind === 'ServiceAccount') sas.push(`${str(sub, 'namespace')}/${str(sub, 'name')}`);
    else if (kind === 'User') users.push(str(sub, 'name'));
    else if (kind === 'Group') groups.push(str(sub, 'name'));
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingTable(what: string, roleRefDoc: string): TableConvertor {
  const columns: ColumnDefinition[] = [
    NAME,
    s('Role', roleRefDoc),
    AGE,
    s('Users', `Users in the ${what}`, true),
    s('Groups', `Groups in the ${what}`, true),
    s('ServiceAccounts', `ServiceAccounts in the ${what}`, true),
  ];
  return {
    columns,
    cells: (o, now) => [nameOf(o), `${str(o, 'roleRef', 'kind')}/${str(o, 'roleRef', 'name')}`, ageOf(o, now), ...subjects(o)],
  };
}

/** RoleBinding: Role "ClusterRole/view", and the wide subject lists. */
export const roleBindingTable: TableConvertor = bindingTable('roleBinding', D.rbRoleRef);

/** ClusterRoleBinding: as RoleBinding. */
export const clusterRoleBindingTable: TableConvertor = bindingTable('clusterRoleBinding', D.crbRoleRef);
