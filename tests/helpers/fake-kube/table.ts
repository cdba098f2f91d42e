// Pods as a meta.k8s.io/v1 Table, the form `kubectl get` asks for (Accept: application/json;as=Table;
// v=v1;g=meta.k8s.io): the server, not kubectl, decides the columns and renders the cells. The columns
// and their wording are the real API server's for pods (NAME READY STATUS RESTARTS AGE, and with -o wide
// IP NODE NOMINATED NODE READINESS GATES).
import type { Pod } from './fake-apiserver.js';

const POD_COLUMNS = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
  { name: 'Ready', type: 'string', format: '', description: 'The aggregate readiness state of this pod for accepting traffic.', priority: 0 },
  { name: 'Status', type: 'string', format: '', description: 'The aggregate status of the containers in this pod.', priority: 0 },
  { name: 'Restarts', type: 'string', format: '', description: 'The number of times the containers in this pod have been restarted.', priority: 0 },
  { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
  { name: 'IP', type: 'string', format: '', description: 'IP address allocated to the pod.', priority: 1 },
  { name: 'Node', type: 'string', format: '', description: 'Name of the node this pod runs on.', priority: 1 },
  { name: 'Nominated Node', type: 'string', format: '', description: 'Name of the node the scheduler nominated for this pod.', priority: 1 },
  { name: 'Readiness Gates', type: 'string', format: '', description: 'Readiness gates of this pod.', priority: 1 },
];

/** Whether a request asks for a Table (kubectl get does; client libraries and -o yaml do not). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && accept.split(',').some((part) => /;\s*as=Table/.test(part) && /;\s*g=meta\.k8s\.io/.test(part));
}

export function podTable(pods: Pod[], resourceVersion: string): Record<string, unknown> {
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion }, columnDefinitions: POD_COLUMNS,
    rows: pods.map((p) => ({
      cells: podCells(p),
      object: {
        kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1',
        metadata: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid, resourceVersion: p.metadata.resourceVersion,
          creationTimestamp: p.metadata.creationTimestamp, labels: p.metadata.labels, annotations: p.metadata.annotations },
      },
    })),
  };
}

function podCells(p: Pod): unknown[] {
  const statuses = (p.status.containerStatuses ?? []) as Array<{ ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } }>;
  const total = (p.spec.containers as unknown[]).length;
  const ready = statuses.filter((s) => s.ready).length;
  let reason: string = p.status.reason ?? p.status.phase ?? 'Unknown';
  for (const s of statuses) {
    const r = s.state?.waiting?.reason ?? s.state?.terminated?.reason;
    if (r) reason = r;
  }
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  return [p.metadata.name, `${ready}/${total}`, reason, String(restarts), age(p.metadata.creationTimestamp),
    p.status.podIP ?? '<none>', p.spec.nodeName ?? '<none>', p.status.nominatedNodeName ?? '<none>', '<none>'];
}

/** As the API server writes an age (apimachinery's HumanDuration). */
export function age(since: string): string {
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(since)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  return `${d}d`;
}
