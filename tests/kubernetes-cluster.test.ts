// The kubernetes provider against a REAL cluster, opt-in: GODEL_K8S_TEST_KUBECONFIG names its
// kubeconfig (GODEL_K8S_TEST_CONTEXT, _NAMESPACE, _IMAGE and _RUNTIME_CLASS refine it; the runtime class
// defaults to kata). Without it the test is skipped: nothing here reaches beyond this machine by default.
import t from 'tap';
import { startDaemon, waitFor } from './helpers/daemon.js';
import { sandboxContract } from './helpers/sandbox-contract.js';

const kubeconfig = process.env.GODEL_K8S_TEST_KUBECONFIG;

t.test('the kubernetes provider against a real cluster', { skip: kubeconfig ? false : 'set GODEL_K8S_TEST_KUBECONFIG to run it against a cluster' }, async (t) => {
  const d = await startDaemon(t, {
    config: {
      templates: {
        default: { pool: { min_idle: 0 } },
        k8s: {
          provider: 'kubernetes', limits: { cpus: 1, memory: '512M' }, pool: { min_idle: 1, max_total: 4 },
          kubernetes: {
            kubeconfig, context: process.env.GODEL_K8S_TEST_CONTEXT ?? '', namespace: process.env.GODEL_K8S_TEST_NAMESPACE ?? '',
            image: process.env.GODEL_K8S_TEST_IMAGE ?? 'docker.io/library/debian:bookworm-slim',
            runtime_class: process.env.GODEL_K8S_TEST_RUNTIME_CLASS ?? 'kata', ready_timeout_seconds: 300,
          },
        },
      },
    },
  });
  await waitFor('a warm pod', async () => (await d.client.listPools()).find((p) => p.template === 'k8s' && p.idle >= 1), 300_000);
  const sb = await d.client.createSandbox({ template: 'k8s' });
  t.equal(sb.fromWarmPool, true);
  await sandboxContract(t, d.client, sb.id, false);
  await d.client.deleteSandbox(sb.id);
});
