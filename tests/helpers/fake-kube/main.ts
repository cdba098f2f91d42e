// Runs the FAKE Kubernetes API server on its own (scripts/fake-kube.sh) and prints a kubeconfig for
// it, so that godeld's kubernetes provider (and kubectl) can be tried without a cluster. Its pods are
// bubblewrap sandboxes on this host. Stops, removing its pods, on SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { FakeKubeApiServer } from './fake-apiserver.js';

const { values } = parseArgs({
  options: {
    listen: { type: 'string', default: '127.0.10.1:0' },
    dir: { type: 'string' },
    kubeconfig: { type: 'string' },
    namespace: { type: 'string', multiple: true },
    'start-delay-ms': { type: 'string', default: '0' },
  },
});
if (!values.dir) {
  process.stderr.write('usage: fake-kube --dir DIR [--listen 127.0.10.1:PORT] [--kubeconfig FILE] [--namespace NS]... [--start-delay-ms N]\n');
  process.exit(2);
}
const [host, port] = values.listen!.split(':');
const fake = new FakeKubeApiServer({
  dir: values.dir, host: host!, port: Number(port ?? 0), namespaces: values.namespace?.length ? values.namespace : ['default'],
  startDelayMs: Number(values['start-delay-ms']),
});
await fake.start();
const kubeconfig = fake.kubeconfig();
if (values.kubeconfig) writeFileSync(values.kubeconfig, kubeconfig, { mode: 0o600 });
process.stdout.write(`${kubeconfig}\n`);
process.stderr.write(`fake Kubernetes API server at ${fake.url} (a FAKE: pods are bubblewrap sandboxes on this host)\n`);
const stop = (): void => void fake.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
