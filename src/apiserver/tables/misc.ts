// Tables of less common kinds with upstream printers: PodTemplate, RuntimeClass, the admission
// webhook configurations, ComponentStatus and (kube-aggregator's) APIService.
import { arr, get, objs, str, strMap } from '../../api/printing/access.js';
import { AGE, NAME, i, s } from './columns.js';
import { ageOf, containerCells, formatLabels, nameOf } from '../../api/printing/format.js';
import type { TableConvertor } from './types.js';

/** PodTemplate: Containers, Images, Pod Labels (no Age, as upstream). */
export const podTemplateTable: TableConvertor = {
  columns: [
    NAME,
    s('Containers', 'Names of each container in the template.'),
    s('Images', 'Images referenced by each container in the template.'),
    s('Pod Labels', 'The labels for the pod template.'),
  ],
  cells: (o) => [nameOf(o), ...containerCells(get(o, 'template', 'spec')), formatLabels(strMap(o, 'template', 'metadata', 'labels'))],
};

/** RuntimeClass: Handler. */
export const runtimeClassTable: TableConvertor = {
  // Upstream cites ObjectMeta's (absent) "handler" doc, so the description is empty.
  columns: [NAME, s('Handler', ''), AGE],
  cells: (o, now) => [nameOf(o), str(o, 'handler'), ageOf(o, now)],
};

/** Mutating/ValidatingWebhookConfiguration: Webhooks (a count). */
export const webhookConfigurationTable: TableConvertor = {
  columns: [NAME, i('Webhooks', 'Webhooks indicates the number of webhooks registered in this configuration'), AGE],
  cells: (o, now) => [nameOf(o), arr(o, 'webhooks').length, ageOf(o, now)],
};

/** ComponentStatus: Status (Healthy/Unhealthy/Unknown), Message, Error. */
export const componentStatusTable: TableConvertor = {
  columns: [
    NAME,
    s('Status', 'Status of the component conditions'),
    s('Message', 'Message of the component conditions'),
    s('Error', 'Error of the component conditions'),
  ],
  cells: (o) => {
    const c = objs(o, 'conditions').find((x) => str(x, 'type') === 'Healthy');
    if (c === undefined) return [nameOf(o), 'Unknown', '', ''];
    return [nameOf(o), str(c, 'status') === 'True' ? 'Healthy' : 'Unhealthy', str(c, 'message'), str(c, 'error')];
  },
};

/** APIService: Service ("Local" or "ns/name"), Available ("True", "False (MissingEndpoints)"). */
export const apiServiceTable: TableConvertor = {
  columns: [
    NAME,
    s('Service', 'The reference to the service that hosts this API endpoint.'),
    s('Available', 'Whether this service is available.'),
    AGE,
  ],
  cells: (o, now) => {
    const svc = get(o, 'spec', 'service');
    const service = svc === undefined || svc === null ? 'Local' : `${str(svc, 'namespace')}/${str(svc, 'name')}`;
    const c = objs(o, 'status', 'conditions').find((x) => str(x, 'type') === 'Available');
    let available = 'Unknown';
    if (c !== undefined) {
      const status = str(c, 'status');
      const reason = str(c, 'reason');
      available = status !== 'True' && reason !== '' ? `${status} (${reason})` : status;
    }
    return [nameOf(o), service, available, ageOf(o, now)];
  },
};
