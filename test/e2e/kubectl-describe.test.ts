/**
 * Golden tests of `k8ts kubectl describe` against the real kubectl 1.32 on one cluster: a control
 * plane with scheduler and controllers plus one hollow node (pods are bound and reported Running
 * without containers, so pods, nodes and workloads have real statuses and events). Every kind is
 * created with the real kubectl; each case describes it with both and compares byte for byte,
 * after replacing ages (which tick between the two runs) by a placeholder.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, ourKubectl, REPO, startServer, until, type Cluster, type Run } from './harness.js';

const OBJECTS = `
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, labels: {a: b}}
data:
  key1: |
    line one
    line two
binaryData: {bin: aGVsbG8=}
---
apiVersion: v1
kind: Secret
metadata: {name: sec, annotations: {note: x}}
type: Opaque
data: {password: cGFzc3dvcmQ=}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: robot}
secrets: [{name: sec}, {name: missing-secret}]
imagePullSecrets: [{name: pull-secret}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, volumeMode: Filesystem}
---
apiVersion: v1
kind: Pod
metadata:
  name: rich
  labels: {app: rich, tier: backend}
  annotations:
    long: "${'a'.repeat(150)}"
    multi: "first\\nsecond\\n"
spec:
  nodeSelector: {type: hollow}
  tolerations:
  - {key: dedicated, operator: Equal, value: db, effect: NoSchedule}
  - {operator: Exists}
  - {key: k2, operator: Exists, effect: NoExecute, tolerationSeconds: 60}
  topologySpreadConstraints:
  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: rich}}}
  readinessGates: [{conditionType: example.com/ready}]
  initContainers:
  - {name: init, image: busybox, command: [sh, -c, "echo hi\\necho there"], resources: {requests: {cpu: 50m}}}
  containers:
  - name: main
    image: nginx:1.25
    args: [--port, "8080"]
    ports: [{containerPort: 8080, name: http}, {containerPort: 9090, protocol: UDP, hostPort: 9090}]
    resources: {limits: {cpu: 500m, memory: 256Mi}, requests: {cpu: 250m, memory: 128Mi}}
    livenessProbe: {httpGet: {path: /healthz, port: 8080}, initialDelaySeconds: 3}
    readinessProbe: {tcpSocket: {port: http}}
    startupProbe: {exec: {command: [cat, /tmp/ok]}}
    env:
    - {name: PLAIN, value: "v1\\nv2"}
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: CPU_LIM, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}
    - {name: MEM_REQ, valueFrom: {resourceFieldRef: {resource: requests.memory}}}
    - {name: PW, valueFrom: {secretKeyRef: {name: sec, key: password}}}
    - {name: CK, valueFrom: {configMapKeyRef: {name: cfg, key: key1, optional: true}}}
    envFrom: [{configMapRef: {name: cfg}}, {secretRef: {name: sec}, prefix: S_}]
    volumeMounts:
    - {name: cache, mountPath: /cache}
    - {name: cfgv, mountPath: /etc/cfg, readOnly: true}
    - {name: secv, mountPath: /etc/sec, subPath: password}
  - {name: side, image: busybox, ports: [{containerPort: 7070}]}
  volumes:
  - {name: cache, emptyDir: {medium: Memory, sizeLimit: 64Mi}}
  - {name: cfgv, configMap: {name: cfg}}
  - {name: secv, secret: {secretName: sec, optional: true}}
  - {name: host, hostPath: {path: /var/log, type: Directory}}
  - {name: claim, persistentVolumeClaim: {claimName: data}}
  - {name: dapi, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
  - name: proj
    projected:
      sources:
      - serviceAccountToken: {path: token, expirationSeconds: 3607}
      - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
      - downwardAPI: {items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]}
  - name: eph
    ephemeral:
      volumeClaimTemplate:
        metadata: {labels: {x: z}}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, storageClassName: fast}
  - {name: csi, csi: {driver: example.csi.io, volumeAttributes: {a: b, c: d}}}
---
apiVersion: v1
kind: Pod
metadata: {name: pending}
spec:
  nodeSelector: {none: x}
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  replicas: 2
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}, annotations: {t: "1"}}
    spec:
      serviceAccountName: robot
      containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}], resources: {requests: {cpu: 100m, memory: 64Mi}}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: batch1}
spec:
  completions: 3
  parallelism: 2
  completionMode: Indexed
  backoffLimit: 2
  activeDeadlineSeconds: 600
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [sh, -c, "exit 0"]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  startingDeadlineSeconds: 30
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {type: hollow}
      tolerations: [{operator: Exists}]
      containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: pg, image: postgres, volumeMounts: [{name: pgdata, mountPath: /var/lib/postgresql}]}]
  volumeClaimTemplates:
  - metadata: {name: pgdata}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}
  - {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}}
  - {type: Pods, pods: {metric: {name: packets}, target: {type: AverageValue, averageValue: 1k}}}
  - type: Object
    object: {metric: {name: requests}, describedObject: {apiVersion: v1, kind: Service, name: web}, target: {type: Value, value: 10k}}
  - {type: External, external: {metric: {name: queue}, target: {type: AverageValue, averageValue: "30"}}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 300, policies: [{type: Percent, value: 10, periodSeconds: 60}]}
    scaleUp: {selectPolicy: Min, policies: [{type: Pods, value: 4, periodSeconds: 15}, {type: Percent, value: 100, periodSeconds: 15}]}
---
apiVersion: v1
kind: LimitRange
metadata: {name: limits}
spec:
  limits: [{type: Container, default: {cpu: 500m}}, {type: Pod, max: {memory: 1Gi}}]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota}
spec: {hard: {pods: "10", requests.cpu: "4", requests.memory: 8Gi}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota-scoped}
spec: {hard: {pods: "5"}, scopes: [BestEffort, NotTerminating]}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: viewer, labels: {a: b}}
rules:
- apiGroups: ["", apps]
  resources: [pods, pods/log, deployments]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [pods]
  verbs: [delete, get]
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [a, b]
  verbs: [get, update]
- nonResourceURLs: [/healthz, /metrics]
  verbs: [get, post]
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: editor}
rules:
- apiGroups: [batch]
  resources: [jobs, cronjobs]
  verbs: [create, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: edit-binding}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: editor}
subjects:
- {kind: ServiceAccount, name: robot, namespace: default}
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv1, labels: {t: x}}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: manual
  hostPath: {path: /data/pv1}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [hollow-0, other]}
        - {key: zone, operator: Exists}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/fast
parameters: {type: ssd, iops: "100"}
reclaimPolicy: Delete
allowVolumeExpansion: true
mountOptions: [debug]
volumeBindingMode: WaitForFirstConsumer
allowedTopologies:
- matchLabelExpressions:
  - {key: zone, values: [a, b]}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
description: important pods
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-pdb}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
`;

const WIDGET = `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, labels: {color: blue}}
spec:
  size: 3
  ratio: 1.5
  big: 1234567.5
  enabled: true
  podCIDR: 10.0.0.0/8
  apiURL: http://x
  some_field: 1
  item-list: [a, {name: n1, weight: 2}, [x, "y"]]
  nested: {deepKey: {leafValue: v}}
`;

/**
 * Forty events about the ConfigMap over three seconds: more than twelve ties, so their order is
 * what Go's unstable sort makes of them, which ours must reproduce.
 */
function tiedEvents(uid: string): string {
  const items = Array.from({ length: 40 }, (_, i) => {
    const at = `2026-01-01T00:00:0${(i * 7) % 3}Z`;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `cfg.tied${String(i).padStart(2, '0')}`, namespace: 'default' },
      involvedObject: { kind: 'ConfigMap', name: 'cfg', namespace: 'default', uid, apiVersion: 'v1' },
      reason: `R${i}`,
      message: `event ${i}`,
      type: i % 4 === 0 ? 'Warning' : 'Normal',
      source: { component: 'tester' },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1 + (i % 3),
    };
  });
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

let c: Cluster;
let hollow: ChildProcess | undefined;

const AGE = String.raw`(?:<unknown>|<invalid>|\d+[smhdy](?:\d+[smhdy])?)`;
const EVENT_AGE = new RegExp(`${AGE}(?: \\(x\\d+ over ${AGE}\\))?`, 'g');

/**
 * Replaces what changes between two runs a second apart: event ages and repeat counts (inside the
 * Events tables, whose spacing then depends on them, so spaces are squeezed there), and the Age
 * column of a node's pod table (the last column, so alignment is kept).
 */
function normaliseAges(text: string): string {
  let inEvents = false;
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('Events:') && !line.includes('<none>')) {
        inEvents = true;
        return line;
      }
      if (inEvents && line.startsWith('  ')) return line.replace(EVENT_AGE, '<age>').replace(/ {2,}/g, ' ');
      inEvents = false;
      return /\(\d+%\)/.test(line) ? line.replace(new RegExp(`${AGE}$`), '<age>') : line;
    })
    .join('\n');
}

const show = (r: Run): string => `exit ${r.code}\n${r.stdout}${r.stderr ? `\n--- stderr\n${r.stderr}` : ''}`;

/**
 * Runs the real kubectl and ours and compares them; on a difference both run again (the cluster
 * may have changed in between, e.g. a new event), and only a difference that persists fails.
 */
async function compare(args: string[]): Promise<void> {
  let real = '';
  let ours = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 1000));
    real = normaliseAges(show(kubectl(c, args)));
    ours = normaliseAges(show(ourKubectl(c, args)));
    if (ours === real) return;
  }
  assert.equal(ours, real, `kubectl ${args.join(' ')}`);
}

const ok = (args: string[], input?: string): string => {
  const r = kubectl(c, args, input !== undefined ? { input } : {});
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const jsonpath = (args: string[], path: string): string => kubectl(c, [...args, '-o', `jsonpath=${path}`]).stdout;

before(async () => {
  c = await startServer({ loops: true });
  hollow = spawn(process.execPath, [join(REPO, 'dist', 'src', 'cmd', 'k8ts.js'), 'hollow-nodes', '--kubeconfig', c.kubeconfig, '--count', '1'], { stdio: 'ignore' });
  await until('the hollow node to be Ready', () => jsonpath(['get', 'node', 'hollow-0'], '{.status.conditions[?(@.type=="Ready")].status}') === 'True', { timeoutMs: 30_000 });
  ok(['apply', '-f', '-'], OBJECTS);
  ok(['create', '-f', '-'], tiedEvents(jsonpath(['get', 'cm', 'cfg'], '{.metadata.uid}')));
  await until('the Widget CRD to be served', () => kubectl(c, ['apply', '-f', '-'], { input: WIDGET }).code === 0, { timeoutMs: 20_000 });
  await until('the workloads to be running', () => {
    const phases = jsonpath(['get', 'pods'], '{range .items[*]}{.metadata.name}={.status.phase} {end}');
    return /rich=Running/.test(phases) && (phases.match(/web-\S+=Running/g) ?? []).length === 2 && (phases.match(/legacy-\S+=Running/g) ?? []).length === 2;
  }, { timeoutMs: 30_000 });
  await until('the deployment to be available', () => jsonpath(['get', 'deploy', 'web'], '{.status.availableReplicas}') === '2', { timeoutMs: 30_000 });
  await until('the pending pod to have its event', () => kubectl(c, ['get', 'events', '--field-selector', 'involvedObject.name=pending']).stdout.includes('FailedScheduling'), { timeoutMs: 30_000 });
});

after(async () => {
  if (hollow && hollow.exitCode === null) {
    hollow.kill('SIGTERM');
    await new Promise((r) => hollow?.once('exit', r));
  }
  await c?.stop();
});

const kinds: [string, string[]][] = [
  ['a pod with every container and volume feature', ['describe', 'pod', 'rich']],
  ['an unschedulable pod and its event', ['describe', 'pod', 'pending']],
  ['a deployment with its ReplicaSets', ['describe', 'deployment', 'web']],
  ['replicasets listed by label', ['describe', 'rs', '-l', 'app=web']],
  ['a replication controller', ['describe', 'rc', 'legacy']],
  ['a service with endpoints', ['describe', 'svc', 'web']],
  ['a headless service', ['describe', 'service', 'db']],
  ['endpoints', ['describe', 'endpoints', 'web']],
  ['a node with pods, allocations and lease', ['describe', 'node', 'hollow-0']],
  ['a namespace with quotas and limit ranges', ['describe', 'ns', 'default']],
  ['a namespace without them', ['describe', 'namespace', 'kube-system']],
  ['a job', ['describe', 'job', 'batch1']],
  ['a cronjob', ['describe', 'cronjob', 'nightly']],
  ['an autoscaler with every metric type', ['describe', 'hpa', 'web']],
  ['a daemonset', ['describe', 'ds', 'agent']],
  ['a statefulset with claim templates', ['describe', 'sts', 'db']],
  ['a configmap with forty events, many seen in the same second', ['describe', 'cm', 'cfg']],
  ['a secret', ['describe', 'secret', 'sec']],
  ['a service account with missing secrets', ['describe', 'sa', 'robot']],
  ['a persistent volume claim used by a pod', ['describe', 'pvc', 'data']],
  ['a resource quota with scopes', ['describe', 'quota', 'quota-scoped']],
  ['a limit range', ['describe', 'limits', 'limits']],
  ['a cluster role whose rules are broken down and merged', ['describe', 'clusterrole', 'viewer']],
  ['a role', ['describe', 'role', 'editor']],
  ['a role binding', ['describe', 'rolebinding', 'edit-binding']],
  ['a persistent volume with node affinity', ['describe', 'pv', 'pv1']],
  ['a storage class', ['describe', 'storageclass', 'fast']],
  ['a priority class', ['describe', 'priorityclass', 'high']],
  ['a pod disruption budget', ['describe', 'pdb', 'web-pdb']],
  ['a custom resource (generic describer)', ['describe', 'widget', 'w1']],
  ['a built-in kind without a describer (generic)', ['describe', 'lease', '-n', 'kube-node-lease', 'hollow-0']],
];
for (const [what, args] of kinds) test(`describe: ${what}`, () => compare(args));

const selection: [string, string[]][] = [
  ['several objects, separated by blank lines', ['describe', 'pods', '-l', 'app=legacy']],
  ['a name prefix', ['describe', 'pods', 'legacy-']],
  ['TYPE/NAME of two kinds', ['describe', 'svc/web', 'deploy/web']],
  ['two types at once', ['describe', 'deploy,svc']],
  ['all namespaces', ['describe', 'pods', '-A', '-l', 'app=web']],
  ['without events', ['describe', 'deploy', 'web', '--show-events=false']],
  ['small chunks', ['describe', 'pods', '-l', 'app=web', '--chunk-size=1']],
  ['a missing name (no prefix match either)', ['describe', 'pods', 'nope']],
  ['two missing names', ['describe', 'pods', 'a', 'b']],
  ['a missing and a found object', ['describe', 'pod/a', 'deploy/web', 'svc/web']],
  ['no match in the namespace', ['describe', 'pods', '-l', 'app=none']],
  ['no match anywhere', ['describe', 'pods', '-A', '-l', 'app=none']],
  ['a name across all namespaces', ['describe', 'pods', 'rich', '-A']],
  ['no type', ['describe']],
  ['an unknown type', ['describe', 'gizmos', 'x']],
];
for (const [what, args] of selection) test(`describe selection: ${what}`, () => compare(args));

test('describe -f: the objects of a manifest file', () => {
  const file = join(c.dir, 'widget.yaml');
  writeFileSync(file, WIDGET);
  return compare(['describe', '-f', file]);
});
