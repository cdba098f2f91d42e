// The pod of a sandbox: labels that let any daemon find it again, and the hardening every sandbox pod
// gets (no service account token, no service links, a non-root uid, no capabilities, no privilege
// escalation, the runtime's default seccomp profile, never restarted). The template's limits become
// the container's requests and limits, which is what sizes a Kata VM.
import type { V1NetworkPolicy, V1Pod, V1Toleration } from '@kubernetes/client-node';
import type { KubernetesSpec, TemplateSpec } from '../../config/config.js';

export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_NODE = 'godel.dev/node';
export const LABEL_SANDBOX = 'godel.dev/sandbox';
export const LABEL_SPEC_HASH = 'godel.dev/spec-hash';
export const LABEL_STATE = 'godel.dev/state';
/** On the pods of a template with `network: none`: the NetworkPolicy NO_NETWORK_POLICY selects them. */
export const LABEL_NETWORK = 'godel.dev/network';
/**
 * What keeps pods of `network: none` templates off the network: a NetworkPolicy in their namespace that
 * selects them and allows no traffic either way, kept there by the provider. The cluster's network plugin
 * enforces it (most do; kubenet and flannel alone do not).
 */
export const NO_NETWORK_POLICY = 'godel-no-network';

export function noNetworkPolicy(namespace: string): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: NO_NETWORK_POLICY, namespace, labels: { [LABEL_MANAGED_BY]: 'godeld' } },
    spec: { podSelector: { matchLabels: { [LABEL_NETWORK]: 'none' } }, policyTypes: ['Ingress', 'Egress'] },
  };
}
export const ANNOTATION_TEMPLATE = 'godel.dev/template';
/** Which daemon (by node name) claimed the pod: adoption tells its own unfinished claims from someone else's. */
export const ANNOTATION_CLAIMED_BY = 'godel.dev/claimed-by';
export const CONTAINER = 'sandbox';
export const WORKSPACE = '/workspace';

/** The state label: idle in a pool, or claimed by a client (the claim is a JSON patch testing for idle). */
export type PodState = 'idle' | 'claimed';

/** PID 1 of the container: waits for ever, and ends at once on SIGTERM (pid 1 gets no default handlers). */
const KEEP_ALIVE = 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done';

export interface PodParams {
  id: string;
  node: string;
  template: string;
  specHash: string;
  spec: TemplateSpec;
  k8s: KubernetesSpec;
  namespace: string;
  state: PodState;
}

export function podManifest(p: PodParams): V1Pod {
  const limits = p.spec.limits ?? {};
  const resources: Record<string, string> = {};
  if (limits.cpus) resources.cpu = `${Math.round(limits.cpus * 1000)}m`;
  if (limits.memoryBytes) resources.memory = String(limits.memoryBytes);
  if (limits.diskBytes) resources['ephemeral-storage'] = String(limits.diskBytes);
  const uid = p.k8s.uid;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.id,
      namespace: p.namespace,
      labels: {
        [LABEL_MANAGED_BY]: 'godeld', [LABEL_NODE]: p.node, [LABEL_SANDBOX]: p.id, [LABEL_SPEC_HASH]: p.specHash, [LABEL_STATE]: p.state,
        ...(p.spec.network === 'none' ? { [LABEL_NETWORK]: 'none' } : {}),
      },
      annotations: { [ANNOTATION_TEMPLATE]: p.template, ...(p.state === 'claimed' ? { [ANNOTATION_CLAIMED_BY]: p.node } : {}) },
    },
    spec: {
      ...(p.k8s.runtimeClass ? { runtimeClassName: p.k8s.runtimeClass } : {}),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      ...(Object.keys(p.k8s.nodeSelector).length ? { nodeSelector: p.k8s.nodeSelector } : {}),
      ...(p.k8s.tolerations.length ? { tolerations: p.k8s.tolerations as unknown as V1Toleration[] } : {}),
      ...(p.k8s.imagePullSecrets.length ? { imagePullSecrets: p.k8s.imagePullSecrets.map((name) => ({ name })) } : {}),
      securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: CONTAINER,
        image: p.k8s.image,
        command: ['/bin/sh', '-c', KEEP_ALIVE],
        workingDir: WORKSPACE,
        ...(Object.keys(resources).length ? { resources: { requests: resources, limits: resources } } : {}),
        securityContext: {
          runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, allowPrivilegeEscalation: false, privileged: false,
          capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
        },
        volumeMounts: [{ name: 'workspace', mountPath: WORKSPACE }, { name: 'tmp', mountPath: '/tmp' }],
      }],
      volumes: [
        { name: 'workspace', emptyDir: limits.diskBytes ? { sizeLimit: String(limits.diskBytes) } : {} },
        { name: 'tmp', emptyDir: {} },
      ],
    },
  };
}

/** Why a pod is not Ready, in the cluster's own words: a container's waiting reason, or the scheduler's. */
export function notReadyReason(pod: V1Pod): string {
  const st = pod.status ?? {};
  if (st.phase === 'Failed' || st.phase === 'Succeeded') return `pod ${st.phase}${st.reason ? `: ${st.reason}` : ''}${st.message ? `: ${st.message}` : ''}`;
  for (const c of st.containerStatuses ?? []) {
    const w = c.state?.waiting;
    if (w?.reason && w.reason !== 'ContainerCreating') return `${w.reason}${w.message ? `: ${w.message}` : ''}`;
    if (w?.reason && w.message) return `${w.reason}: ${w.message}`;
    const t = c.state?.terminated;
    if (t) return `container terminated: ${t.reason ?? ''} (exit code ${t.exitCode})${t.message ? `: ${t.message}` : ''}`;
  }
  const sched = st.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (sched) return `${sched.reason ?? 'Unschedulable'}: ${sched.message ?? ''}`;
  return `phase ${st.phase ?? 'Pending'}${st.containerStatuses?.[0]?.state?.waiting?.reason ? ` (${st.containerStatuses[0].state.waiting.reason})` : ''}`;
}

/** Reasons a pod will not get past by waiting longer (kubelet retries them, but a pool should not wait). */
const TERMINAL_WAITING = new Set(['ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export function hopeless(pod: V1Pod): boolean {
  const st = pod.status ?? {};
  if (st.phase === 'Failed' || st.phase === 'Succeeded') return true;
  return (st.containerStatuses ?? []).some((c) => TERMINAL_WAITING.has(c.state?.waiting?.reason ?? '') || !!c.state?.terminated);
}

export function isReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp
    && !!pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}
