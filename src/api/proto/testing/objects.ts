// Realistic objects for the protobuf round-trip tests, written the way kube-apiserver prints them
// as JSON (so zero values appear only where Go's JSON keeps them: pointers and non-omitempty fields).
import { T1, T2, pod, podTemplate } from './pod.js';

/** A name and the object; JSON → protobuf → JSON must give the object back unchanged. */
export interface RoundTripCase {
  name: string;
  object: Record<string, unknown>;
}

function deployment(name: string, replicas: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', generation: 2, creationTimestamp: T1, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'edge'] }] },
      template: podTemplate,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 2,
      // DeploymentStatus counts are non-pointer omitempty: Go's JSON leaves out zeros.
      ...(replicas === 0 ? {} : { replicas, updatedReplicas: replicas }),
      conditions: [{ type: 'Available', status: 'True', lastUpdateTime: T1, lastTransitionTime: T1, reason: 'MinimumReplicasAvailable', message: 'ok' }],
    },
  };
}

const schemaProps = {
  type: 'object',
  $schema: 'http://json-schema.org/draft-04/schema#',
  required: ['spec'],
  properties: {
    spec: {
      type: 'object',
      description: 'desired state',
      properties: {
        replicas: { type: 'integer', format: 'int32', minimum: 0, maximum: 10, default: 1 },
        selector: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector' },
        anything: { 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        tuple: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] },
        labels: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'granular' },
        closed: { type: 'object', additionalProperties: false },
        mode: { type: 'string', enum: ['a', 'b', null], nullable: true, pattern: '^[ab]$' },
        dependent: { type: 'object', dependencies: { a: ['b', 'c'], d: { required: ['e'] } } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
        },
        embedded: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
      'x-kubernetes-validations': [{ rule: 'self.replicas >= 0', message: 'replicas must not be negative', reason: 'FieldValueInvalid' }],
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

/** The table of round-trip cases, one per kind and shape the codec must carry. */
export const ROUND_TRIP_CASES: readonly RoundTripCase[] = [
  { name: 'Pod', object: pod },
  { name: 'Deployment replicas 3', object: deployment('web', 3) },
  { name: 'Deployment replicas 0', object: deployment('idle', 0) },
  {
    name: 'Service',
    object: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: T1 },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
          { name: 'https', protocol: 'TCP', port: 443, targetPort: 'https' },
        ],
        selector: { app: 'web' },
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        type: 'NodePort',
        sessionAffinity: 'None',
        externalTrafficPolicy: 'Cluster',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    },
  },
  {
    name: 'ConfigMap',
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'default' },
      data: { 'a.txt': 'line 1\nline 2\n', empty: '' },
      binaryData: { 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]).toString('base64') },
      immutable: true,
    },
  },
  {
    name: 'Secret with binary data',
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'default' },
      data: { password: Buffer.from('s3cr3t').toString('base64'), key: Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64'), empty: '' },
      type: 'Opaque',
    },
  },
  {
    name: 'Namespace',
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
  },
  {
    name: 'HorizontalPodAutoscaler autoscaling/v1',
    object: {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 },
      status: { observedGeneration: 1, lastScaleTime: T2, currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 95 },
    },
  },
  {
    name: 'HorizontalPodAutoscaler autoscaling/v2',
    object: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } },
        ],
        behavior: {
          scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
          scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
        },
      },
      status: {
        currentReplicas: 2,
        desiredReplicas: 2,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '250m', averageUtilization: 25 } } }],
        conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: T1, reason: 'ReadyForNewScale' }],
      },
    },
  },
  {
    name: 'Job',
    object: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', namespace: 'default', labels: { 'batch.kubernetes.io/job-name': 'pi' } },
      spec: {
        parallelism: 1,
        completions: 1,
        backoffLimit: 6,
        ttlSecondsAfterFinished: 0,
        suspend: false,
        completionMode: 'NonIndexed',
        manualSelector: false,
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
        template: { ...podTemplate, spec: { ...podTemplate.spec, restartPolicy: 'Never' } },
      },
      status: { startTime: T1, completionTime: T2, succeeded: 1, ready: 0, conditions: [{ type: 'Complete', status: 'True', lastProbeTime: T2, lastTransitionTime: T2 }] },
    },
  },
  {
    name: 'CronJob',
    object: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'default' },
      spec: {
        schedule: '0 3 * * *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
        jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: { ...podTemplate, spec: { ...podTemplate.spec, restartPolicy: 'OnFailure' } } } },
      },
      status: { active: [{ kind: 'Job', namespace: 'default', name: 'nightly-1', uid: 'u1', apiVersion: 'batch/v1', resourceVersion: '7' }], lastScheduleTime: T1 },
    },
  },
  {
    name: 'Status',
    object: {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: 'pods "x" not found',
      reason: 'NotFound',
      details: { name: 'x', kind: 'pods', causes: [{ reason: 'FieldValueInvalid', message: 'bad', field: 'spec.x' }] },
      code: 404,
    },
  },
  {
    name: 'DeleteOptions',
    object: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: 'u1', resourceVersion: '5' }, propagationPolicy: 'Background', dryRun: ['All'] },
  },
  {
    name: 'CustomResourceDefinition with $ref',
    object: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'widgets', singular: 'widget', shortNames: ['wd'], kind: 'Widget', listKind: 'WidgetList', categories: ['all'] },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: schemaProps },
            subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
            additionalPrinterColumns: [{ name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' }],
          },
        ],
        conversion: { strategy: 'None' },
      },
      status: {
        conditions: [{ type: 'Established', status: 'True', lastTransitionTime: T1, reason: 'InitialNamesAccepted', message: 'ok' }],
        acceptedNames: { plural: 'widgets', kind: 'Widget' },
        storedVersions: ['v1'],
      },
    },
  },
  {
    name: 'PodList',
    object: { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '99', continue: 'abc' }, items: [{ metadata: { name: 'a', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox', resources: {} }] }, status: {} }] },
  },
  {
    name: 'APIResourceList',
    object: {
      apiVersion: 'v1',
      kind: 'APIResourceList',
      groupVersion: 'apps/v1',
      resources: [
        { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['create', 'get', 'list'], shortNames: ['deploy'], categories: ['all'] },
        { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
      ],
    },
  },
  {
    name: 'events.k8s.io Event with MicroTime',
    object: {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'web-0.17a', namespace: 'default' },
      eventTime: '2024-01-02T03:04:05.123456Z',
      series: { count: 2, lastObservedTime: '2024-01-02T03:04:06.000001Z' },
      reportingController: 'k8ts/kubelet',
      reportingInstance: 'node-1',
      action: 'Pulling',
      reason: 'Pulling',
      regarding: { kind: 'Pod', namespace: 'default', name: 'web-0' },
      note: 'Pulling image',
      type: 'Normal',
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    },
  },
  {
    name: 'Lease',
    object: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-1', namespace: 'kube-node-lease' },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-01-02T03:04:05.500000Z', leaseTransitions: 0 },
    },
  },
  {
    name: 'PersistentVolume with inline source',
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv1' },
      spec: { capacity: { storage: '5Gi' }, hostPath: { path: '/srv/pv1', type: 'DirectoryOrCreate' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' },
      status: { phase: 'Available' },
    },
  },
  {
    name: 'PersistentVolumeClaim with empty storageClassName',
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'c1', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '', volumeMode: 'Filesystem' },
      status: {},
    },
  },
  {
    name: 'ControllerRevision with embedded JSON',
    object: {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'ds-1', namespace: 'default' },
      data: { spec: { template: { metadata: { labels: { a: 'b' } } } } },
      revision: 1,
    },
  },
  {
    name: 'SubjectAccessReview with extra',
    object: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' }, user: 'alice', groups: ['dev'], extra: { scopes: ['a', 'b'] }, uid: 'u-1' },
      status: { allowed: true, reason: 'RBAC' },
    },
  },
  {
    name: 'TokenRequest bound object (uID ↔ uid)',
    object: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: 'default', namespace: 'default' },
      spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'p-1' } },
      status: { token: 'eyJ…', expirationTimestamp: T2 },
    },
  },
  {
    name: 'PodMetrics with Duration',
    object: {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: 'web-0', namespace: 'default' },
      timestamp: T1,
      window: '10.5s',
      containers: [{ name: 'web', usage: { cpu: '1m', memory: '10Mi' } }],
    },
  },
];
