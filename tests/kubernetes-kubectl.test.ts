// kubectl against the FAKE Kubernetes API server, on a pod of godeld's warm pool: `get pods` (the
// Table the server renders), `describe pod` (with its events) and `exec`, with and without stdin (the
// exec WebSocket, v5). The fake speaks no SPDY, so kubectl must be one that execs over WebSocket by
// default (1.30 or later); without one the test fails and says how to get it, rather than skipping.
import t from 'tap';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { startDaemon, waitFor } from './helpers/daemon.js';
import { k8sTemplate, startFakeKube } from './helpers/fake-kube/start.js';

const MIN_MINOR = 30;
const INSTALL = 'kubectl >= 1.30 is needed (it execs over WebSocket; older ones use SPDY, which the fake does not speak): '
  + 'install it from https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/ '
  + '(Debian 12\'s kubernetes-client, which GODEL_SETUP_TEST_TOOLS=1 bash scripts/setup.sh installs when no kubectl is on PATH, is 1.20: it lists and describes the fake\'s pods but cannot exec into them)';

function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('kubectl', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`kubectl is not on PATH. ${INSTALL}`));
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

t.test('kubectl lists, describes and execs into the fake\'s pods', async (t) => {
  const version = await kubectl(['version', '--client', '-o', 'json']);
  const client = (JSON.parse(version.stdout) as { clientVersion: { major: string; minor: string; gitVersion: string } }).clientVersion;
  const minor = Number.parseInt(client.minor, 10);
  if (client.major !== '1' || !(minor >= MIN_MINOR)) throw new Error(`kubectl ${client.gitVersion} is too old. ${INSTALL}`);
  t.pass(`kubectl ${client.gitVersion}`);

  // No token is required: the kubectl on the development machine (v1.32.4-dispatcher) sends no bearer
  // token to a plain-http server, and the fake has no TLS. scripts/fake-kube.sh requires none either.
  const fake = await startFakeKube(t, { host: '127.0.10.4', namespaces: ['godel'] });
  const kubeconfig = fake.writeKubeconfig(join(fake.dir, 'kubeconfig'), { namespace: 'godel' });
  const d = await startDaemon(t, {
    config: { node: 'kubectl-a', templates: { default: { pool: { min_idle: 0 } }, k8s: k8sTemplate(kubeconfig, {}, { min_idle: 1, max_total: 5 }) } },
  });
  const c = d.client;
  await waitFor('the pool to fill', async () => (await c.listPools()).find((p) => p.template === 'k8s' && p.idle >= 1), 30_000);
  const sb = await c.createSandbox({ template: 'k8s' });
  const base = ['--kubeconfig', kubeconfig, '--cache-dir', join(fake.dir, 'kubectl-cache')];

  await t.test('get pods: the server\'s Table', async (t) => {
    const r = await kubectl([...base, 'get', 'pods']);
    t.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    t.match(lines[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    t.ok(lines.some((l) => new RegExp(`^${sb.id}\\s+1/1\\s+Running\\s+0\\s+\\d+s$`).test(l)), `the claimed pod is listed: ${r.stdout}`);
    const wide = await kubectl([...base, 'get', 'pod', sb.id, '-o', 'wide', '--show-labels']);
    t.match(wide.stdout, new RegExp(`${sb.id}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+127\\.0\\.10\\.4\\s+fake-node\\s+<none>\\s+<none>\\s+\\S*godel.dev/state=claimed`));
    const json = await kubectl([...base, 'get', 'pod', sb.id, '-o', 'jsonpath={.spec.runtimeClassName} {.metadata.labels.godel\\.dev/sandbox}']);
    t.equal(json.stdout, `kata ${sb.id}`, 'a plain Pod where kubectl asks for one');
  });

  await t.test('describe pod: status, containers and events', async (t) => {
    const r = await kubectl([...base, 'describe', 'pod', sb.id]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, new RegExp(`^Name:\\s+${sb.id}$`, 'm'));
    t.match(r.stdout, /^Namespace:\s+godel$/m);
    t.match(r.stdout, /^Node:\s+fake-node\/127\.0\.10\.4$/m);
    t.match(r.stdout, /^Status:\s+Running$/m);
    t.match(r.stdout, /godel\.dev\/state=claimed/);
    t.match(r.stdout, /Runtime Class Name:\s+kata/);
    t.match(r.stdout, /^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/m);
    t.match(r.stdout, new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned godel/${sb.id} to fake-node`));
    t.match(r.stdout, /Normal\s+Started\s+\S+\s+kubelet\s+Started container sandbox/);
  });

  await t.test('exec, with and without stdin, with exit codes', async (t) => {
    const hi = await kubectl([...base, 'exec', sb.id, '--', 'echo', 'hi']);
    t.same({ code: hi.code, stdout: hi.stdout }, { code: 0, stdout: 'hi\n' }, hi.stderr);
    const cat = await kubectl([...base, 'exec', '-i', sb.id, '--', 'sh', '-c', 'tr a-z A-Z; echo "eof seen"'], 'piped through\n');
    t.same({ code: cat.code, stdout: cat.stdout }, { code: 0, stdout: 'PIPED THROUGH\neof seen\n' }, cat.stderr);
    const fail = await kubectl([...base, 'exec', sb.id, '--', 'sh', '-c', 'echo to-stderr >&2; exit 3']);
    t.equal(fail.code, 3, 'the exit code comes through');
    t.match(fail.stderr, /to-stderr/);
    // The sandbox's own files are there: godeld wrote them, kubectl reads them.
    await c.runCollect({ sandboxId: sb.id, argv: ['sh', '-c', 'echo from-godel > /workspace/note'] });
    const note = await kubectl([...base, 'exec', sb.id, '--', 'cat', '/workspace/note']);
    t.equal(note.stdout, 'from-godel\n');
  });

  await c.deleteSandbox(sb.id);
});
