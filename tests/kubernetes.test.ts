// The kubernetes provider through godeld's socket, against the FAKE Kubernetes API server
// (tests/helpers/fake-kube/), whose pods are real bubblewrap sandboxes: the warm pool and its claim,
// the pods' hardening read back through the API, the sandbox contract, lifecycles, snapshots and fork,
// and the cluster's failures. One fake and one daemon serve all of it.
import t from 'tap';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { expectError, sh, startDaemon, waitFor } from './helpers/daemon.js';
import { sandboxContract } from './helpers/sandbox-contract.js';
import { sessionFlowChecks } from './helpers/session.js';
import { TestSession } from './helpers/session.js';
import { k8sTemplate, startFakeKube } from './helpers/fake-kube/start.js';

t.test('the kubernetes provider against the fake API server', async (t) => {
  const fake = await startFakeKube(t, {
    host: '127.0.10.1', token: 'fake-token', namespaces: ['default', 'godel', 'quota', 'nopolicy'], podQuota: { quota: 1 }, networkPoliciesForbiddenIn: ['nopolicy'],
    runtimeClasses: { kata: 'kata', 'kata-broken': 'kata-missing' },
  });
  const kubeconfig = fake.writeKubeconfig(join(fake.dir, 'kubeconfig'));
  const refused = fake.writeKubeconfig(join(fake.dir, 'refused'), { token: 'wrong-token' });
  const away = join(fake.dir, 'away');
  writeFileSync(away, fake.kubeconfig().replace(fake.url, 'http://127.0.10.250:1'));
  const cold = { min_idle: 0, max_total: 10 };
  const d = await startDaemon(t, {
    config: {
      node: 'k8s-a',
      templates: {
        default: { pool: { min_idle: 0 } },
        k8s: k8sTemplate(kubeconfig, { limits: { cpus: 1, memory: '256M' } }),
        ttl: k8sTemplate(kubeconfig, { lifecycle: { ttl_seconds: 1 } }, cold),
        cold: k8sTemplate(kubeconfig, {}, cold),
        slow: k8sTemplate(kubeconfig, { ready_timeout_seconds: 8 }, cold),
        badimage: k8sTemplate(kubeconfig, { image: 'registry.example/unpullable:1' }, { min_idle: 1, max_total: 5 }),
        unsched: k8sTemplate(kubeconfig, { node_selector: { disktype: 'ssd' }, ready_timeout_seconds: 1 }, cold),
        norc: k8sTemplate(kubeconfig, { runtime_class: 'kata-qemu' }, cold),
        nohandler: k8sTemplate(kubeconfig, { runtime_class: 'kata-broken', ready_timeout_seconds: 1 }, cold),
        nons: k8sTemplate(kubeconfig, { namespace: 'missing' }, cold),
        quota: k8sTemplate(kubeconfig, { namespace: 'quota' }, cold),
        nopolicy: k8sTemplate(kubeconfig, { namespace: 'nopolicy' }, cold),
        onnet: { ...k8sTemplate(kubeconfig, { namespace: 'nopolicy' }, cold), network: 'host' },
        refused: k8sTemplate(refused, {}, cold),
        away: k8sTemplate(away, {}, cold),
      },
    },
  });
  const c = d.client;
  await waitFor('the pool to fill', async () => (await c.listPools()).find((p) => p.template === 'k8s' && p.idle >= 2));

  await t.test('a warm handoff: a Ready pod, claimed, hardened, with the limits', async (t) => {
    const sb = await c.createSandbox({ template: 'k8s', labels: { who: 'test' } });
    t.equal(sb.fromWarmPool, true);
    t.equal(sb.provider, 'kubernetes');
    const pod = fake.pod('godel', sb.id)!;
    t.ok(pod, 'the pod is named for the sandbox');
    t.match(pod.metadata.labels, { 'godel.dev/node': 'k8s-a', 'godel.dev/sandbox': sb.id, 'godel.dev/state': 'claimed', 'app.kubernetes.io/managed-by': 'godeld' });
    t.match(pod.metadata.labels!['godel.dev/spec-hash'], /^[0-9a-f]{16}$/);
    t.equal(pod.spec.runtimeClassName, 'kata');
    t.equal(pod.spec.automountServiceAccountToken, false);
    t.equal(pod.spec.enableServiceLinks, false);
    t.equal(pod.spec.restartPolicy, 'Never');
    t.match(pod.spec.securityContext, { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    const ctr = pod.spec.containers[0];
    t.match(ctr.securityContext, { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    t.same(ctr.resources, { requests: { cpu: '1000m', memory: String(256 * 2 ** 20) }, limits: { cpu: '1000m', memory: String(256 * 2 ** 20) } });
    t.equal(await sh(c, sb.id, 'echo hello from $(hostname)'), `hello from ${sb.id}\n`);
    // network: none (the default): the pod is selected by a NetworkPolicy that allows nothing either way.
    t.equal(pod.metadata.labels!['godel.dev/network'], 'none');
    t.match(fake.networkPolicies.get('godel/godel-no-network'), {
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'godeld' } },
      spec: { podSelector: { matchLabels: { 'godel.dev/network': 'none' } }, policyTypes: ['Ingress', 'Egress'] },
    });
    t.notOk(fake.networkPolicies.get('godel/godel-no-network')?.spec.ingress ?? fake.networkPolicies.get('godel/godel-no-network')?.spec.egress, 'and no rule lets anything through');
    const info = await c.info();
    t.match(info.providers.find((p) => p.name === 'kubernetes'), { available: true, message: /k8s: http:\/\/127\.0\.10\.1:\d+ v1\.32\.0-fake reachable, namespace godel, runtime class kata \(handler kata\), pods kept off the network by NetworkPolicy godel-no-network/ });
    await c.deleteSandbox(sb.id);
    await waitFor('the pod to go', () => !fake.pod('godel', sb.id));
  });

  await t.test('an exec stream whose first frames come in one read with the upgrade\'s answer', async (t) => {
    // The wrapper's pid line among them: lost, the header is never sent and the command never starts.
    const { id } = await c.createSandbox({ template: 'k8s' });
    fake.coalesceExecStarts = true;
    try {
      const deadline = <T>(p: Promise<T>): Promise<T> => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the command never ended')), 10_000))]);
      const r = await deadline(c.runCollect({ sandboxId: id, argv: ['sh', '-c', 'cat; echo "$GREETING from $PWD"'], env: { GREETING: 'hi' }, cwd: '/tmp', stdin: Buffer.from('in\n') }));
      t.equal(r.stdout.toString(), 'in\nhi from /tmp\n');
      t.equal(r.exitCode, 0);
      const s = new TestSession(c, { start: { sandboxId: id, argv: ['sh', '-c', 'stty size; read l; echo "got:$l"'], tty: true, cols: 91, rows: 17 } });
      await deadline(s.started);
      await deadline(s.waitFor(/17 91/));
      s.type('typed\n');
      await deadline(s.waitFor(/got:typed/));
      await deadline(s.ended);
    } finally {
      fake.coalesceExecStarts = false;
    }
    await c.deleteSandbox(id);
  });

  await t.test('the sandbox contract holds for a pod', async (t) => {
    const { id } = await c.createSandbox({ template: 'k8s' });
    await sandboxContract(t, c, id, false);
    // Through the exec WebSocket: the provider keeps to its bufferedAmount, the fake to its command's pipe.
    await sessionFlowChecks(t, c, id, d.proc!.pid!, 100 * 2 ** 20);
    await t.test('Exec signals reach the process; pause and memory snapshots are not supported', async (t) => {
      const s = new TestSession(c, { start: { sandboxId: id, argv: ['sh', '-c', 'trap "echo got-term; exit 5" TERM; echo ready; while :; do sleep 0.1; done'] } });
      await s.started;
      await s.waitFor(/ready/);
      await c.signalSession({ sessionId: s.sessionId, signal: 'SIGTERM' });
      await s.waitFor(/got-term/);
      t.match(await s.ended, { exitCode: 5 });
      await expectError(c.pauseSandbox(id), 'NOT_SUPPORTED');
      await expectError(c.createSnapshot({ sandboxId: id, memory: true }), 'NOT_SUPPORTED');
    });
    await c.deleteSandbox(id);
  });

  await t.test('the environment and cwd go over the exec stdin, never in a URL', async (t) => {
    const { id } = await c.createSandbox({ template: 'k8s' });
    const secret = 'sk-fake-secret-4f1c9a';
    const tricky = ' two  spaces, "double" \'single\' $HOME `tick` \\back\\slash \\n a=b=c\nsecond line\r\ttab\n\n';
    const urlsBefore = fake.urls.length;
    // Named in pieces here, so that the only whole copy of the name travels as the cwd.
    await sh(c, id, 'd=cwd; mkdir -p "/workspace/$d only-in-header"');
    const r = await c.runCollect({
      sandboxId: id, argv: ['sh', '-c', 'printf "%s|" "$SECRET_TOKEN" "$(pwd)"; cat'],
      env: { SECRET_TOKEN: secret, TRICKY: tricky, EMPTY: '', UNI: 'h\u00e9llo \u2603' }, cwd: '/workspace/cwd only-in-header', stdin: Buffer.from('stdin after the header\n'),
    });
    t.equal(r.exitCode, 0, r.stderr.toString());
    const out = r.stdout.toString();
    t.ok(out.startsWith(`${secret}|/workspace/cwd only-in-header|`), 'the secret and the cwd reach the command');
    t.equal(out.slice(out.lastIndexOf('|') + 1), 'stdin after the header\n', 'the command\'s stdin starts right after the header');
    const exact = await c.runCollect({ sandboxId: id, argv: ['sh', '-c', 'printf "%s" "$TRICKY"; printf "|%s|%s|%s" "${EMPTY-unset}" "$UNI" "${SECRET_TOKEN-unset}"'], env: { TRICKY: tricky, EMPTY: '', UNI: 'h\u00e9llo \u2603' } });
    t.equal(exact.stdout.toString(), `${tricky}||h\u00e9llo \u2603|unset`, 'values with spaces, quotes, $, backslashes, =, newlines and CR arrive byte for byte; only the given variables');
    const empty = await c.runCollect({ sandboxId: id, argv: ['sh', '-c', 'wc -c'], env: { SECRET_TOKEN: secret } });
    t.equal(empty.stdout.toString().trim(), '0', 'a command given no stdin sees EOF right after the header');
    // On a terminal: the header is neither echoed nor left in the terminal's input, and echo is back on for the command.
    const s = new TestSession(c, { start: { sandboxId: id, argv: ['sh', '-c', 'printf "echo:%s\\n" "$(stty -a | tr " ;" "\\n\\n" | grep -x -e echo -e -echo)"; printf "tty:%s\\n" "$SECRET_TOKEN"; read x; echo "got:$x"'], env: { SECRET_TOKEN: secret }, tty: true, cols: 80, rows: 24 } });
    await s.started;
    await s.waitFor(/tty:/);
    s.type('typed\n');
    await s.waitFor(/got:typed/);
    await s.ended;
    t.match(s.text, /echo:echo\r?\n/, 'echo is restored before the command runs');
    t.equal(s.text.split(secret).length - 1, 1, 'the terminal shows the secret only where the command printed it');
    const urls = fake.urls.slice(urlsBefore);
    t.ok(urls.some((u) => u.includes('/exec?')), 'the commands went through exec');
    t.notOk(urls.some((u) => u.includes(secret) || decodeURIComponent(u.replace(/\+/g, ' ')).includes(secret)), 'no URL the fake received holds the secret');
    t.notOk(urls.some((u) => decodeURIComponent(u.replace(/\+/g, ' ')).includes('cwd only-in-header')), 'nor the working directory');
    await c.deleteSandbox(id);
  });

  await t.test('30 concurrent handoffs: each pod handed out once', async (t) => {
    await c.setPool({ template: 'k8s', minIdle: 30 });
    await waitFor('30 idle pods', async () => (await c.listPools()).find((p) => p.template === 'k8s' && p.idle >= 30), 60_000);
    const patchesBefore = fake.requests.filter((r) => r.startsWith('PATCH')).length;
    const got = await Promise.all(Array.from({ length: 30 }, () => c.createSandbox({ template: 'k8s' })));
    t.ok(got.every((s) => s.fromWarmPool), 'all from the pool');
    t.equal(new Set(got.map((s) => s.id)).size, 30, 'thirty different sandboxes');
    t.equal(fake.requests.filter((r) => r.startsWith('PATCH')).length - patchesBefore, 30, 'one claim patch each');
    for (const s of got) t.equal(fake.pod('godel', s.id)?.metadata.labels?.['godel.dev/state'], 'claimed');
    await c.setPool({ template: 'k8s', minIdle: 1 });
    await Promise.all(got.map((s) => c.deleteSandbox(s.id)));
  });

  await t.test('a TTL removes the pod and nothing else', async (t) => {
    const keep = await c.createSandbox({ template: 'k8s' });
    const sb = await c.createSandbox({ template: 'ttl' });
    t.equal(sb.fromWarmPool, false, 'a cold create waits for the pod to be Ready');
    t.equal(fake.pod('godel', sb.id)?.metadata.labels?.['godel.dev/state'], 'claimed');
    await waitFor('the TTL to remove the pod', () => !fake.pod('godel', sb.id), 10_000);
    await expectError(c.getSandbox(sb.id), 'SANDBOX_NOT_FOUND');
    t.equal((await c.getSandbox(keep.id)).state, 'READY');
    await c.deleteSandbox(keep.id);
  });

  await t.test('a filesystem snapshot of /workspace, restored and forked into new pods', async (t) => {
    const sb = await c.createSandbox({ template: 'k8s' });
    await sh(c, sb.id, 'mkdir -p /workspace/d && echo kept > /workspace/d/f && chmod 640 /workspace/d/f');
    const snap = await c.createSnapshot({ sandboxId: sb.id, name: 'one' });
    t.equal(snap.kind, 'FILESYSTEM');
    t.equal(await sh(c, sb.id, 'echo still-running'), 'still-running\n', 'the pod runs on after the snapshot');
    const restored = await c.restoreSnapshot({ snapshotId: snap.id });
    t.not(restored.id, sb.id);
    t.equal(await sh(c, restored.id, 'cat /workspace/d/f; stat -c "%a %u" /workspace/d/f'), 'kept\n640 1000\n');
    const fork = await c.fork({ sandboxId: sb.id, count: 2 });
    t.equal(fork.sandboxes.length, 2);
    for (const f of fork.sandboxes) t.equal(await sh(c, f.id, 'cat /workspace/d/f'), 'kept\n');
    for (const id of [sb.id, restored.id, ...fork.sandboxes.map((f) => f.id)]) await c.deleteSandbox(id);
  });

  await t.test('a snapshot is of one moment: the pod\'s processes are stopped while tar reads, then carry on', async (t) => {
    const sb = await c.createSandbox({ template: 'k8s' });
    // A writer that never stops (tar fails a file that changes as it reads it), and a process the user stopped.
    const writer = new TestSession(c, { start: { sandboxId: sb.id, argv: ['sh', '-c', 'echo ready; while :; do echo line >> /workspace/log; done'] } });
    await writer.started;
    await writer.waitFor(/ready/);
    const parked = new TestSession(c, { start: { sandboxId: sb.id, argv: ['sh', '-c', 'echo parked; kill -STOP $$; echo woke'] } });
    await parked.waitFor(/parked/);
    for (let i = 0; i < 3; i++) {
      const snap = await c.createSnapshot({ sandboxId: sb.id, name: `busy-${i}` });
      t.equal(snap.kind, 'FILESYSTEM', `snapshot ${i} of a busy workspace taken`);
      await c.deleteSnapshot(snap.id);
    }
    const size = async (): Promise<number> => Number((await sh(c, sb.id, 'wc -c < /workspace/log')).trim());
    const before = await size();
    await waitFor('the writer to carry on', async () => (await size()) > before || undefined, 5_000);
    await new Promise((r) => setTimeout(r, 300));
    t.notMatch(parked.text, /woke/, 'a process the user had stopped stays stopped');
    t.notMatch(await sh(c, sb.id, 'cat /proc/[0-9]*/cmdline | tr "\\0" " "; echo'), /sleep 120/, 'no watchdog is left behind');
    await c.signalSession({ sessionId: parked.sessionId, signal: 'SIGCONT' });
    await parked.waitFor(/woke/);
    await c.signalSession({ sessionId: writer.sessionId, signal: 'SIGKILL' });
    await c.deleteSandbox(sb.id);
  });

  await t.test('bad input: clear codes with the cluster\'s reasons, and the daemon goes on', async (t) => {
    const pool = await waitFor('the unpullable image to fail its pool', async () => (await c.listPools()).find((p) => p.template === 'badimage' && p.health === 'FAILING'), 20_000);
    t.match(pool.lastError, /ImagePullBackOff: Back-off pulling image "registry.example\/unpullable:1"/);
    t.ok(fake.list('godel').filter((p) => String(p.spec.containers[0].image).includes('unpullable')).length <= 1, 'failed pods are deleted; the pool backs off');
    t.match((await expectError(c.createSandbox({ template: 'unsched' }), 'PROVIDER_FAILED')).message, /not Ready within 1 s: Unschedulable: 0\/1 nodes are available/);
    t.match((await expectError(c.createSandbox({ template: 'norc' }), 'PROVIDER_FAILED')).message, /RuntimeClass "kata-qemu" not found/);
    t.match((await expectError(c.createSandbox({ template: 'nohandler' }), 'PROVIDER_FAILED')).message, /no runtime for "kata-missing" is configured/);
    t.match((await expectError(c.createSandbox({ template: 'nons' }), 'PROVIDER_FAILED')).message, /namespaces "missing" not found/);
    const first = await c.createSandbox({ template: 'quota' });
    t.match((await expectError(c.createSandbox({ template: 'quota' }), 'PROVIDER_FAILED')).message, /exceeded quota: pod-quota/);
    await c.deleteSandbox(first.id);
    t.match((await expectError(c.createSandbox({ template: 'refused' }), 'PROVIDER_UNAVAILABLE')).message, /refused the credentials \(401 Unauthorized\)/);
    t.match((await expectError(c.createSandbox({ template: 'away' }), 'PROVIDER_UNAVAILABLE')).message, /cannot reach the cluster at http:\/\/127\.0\.10\.250:1/);
    // A network: none template whose namespace cannot have the NetworkPolicy boots no pod; one on the
    // cluster's network (network: host) in the same namespace does.
    t.match((await expectError(c.createSandbox({ template: 'nopolicy' }), 'PROVIDER_FAILED')).message,
      /cannot keep the template's pods off the network \(network: none\): NetworkPolicy godel-no-network in namespace nopolicy: .*answered 403: .*forbidden/);
    t.equal(fake.list('nopolicy').length, 0, 'no pod was created for it');
    const onnet = await c.createSandbox({ template: 'onnet' });
    t.equal(fake.pod('nopolicy', onnet.id)!.metadata.labels!['godel.dev/network'], undefined);
    await c.deleteSandbox(onnet.id);
    const status = (await c.info()).providers.find((p) => p.name === 'kubernetes')!.message;
    t.match(status, /onnet: .*pods on the cluster's network/);
    t.match(status, /norc: .*runtime class "kata-qemu" does not exist/);
    t.match(status, /nons: .*namespace "missing" does not exist/);
    t.match(status, /refused: .*refused the credentials/);

    const sb = await c.createSandbox({ template: 'k8s' });
    fake.cutNextExecs = 1;
    t.match((await expectError(c.runCollect({ sandboxId: sb.id, argv: ['sleep', '5'] }), 'PROVIDER_FAILED')).message, /closed without an exit status/);
    const s = new TestSession(c, { start: { sandboxId: sb.id, argv: ['sleep', '100'] } });
    await s.started;
    await fake.evict('godel', sb.id);
    t.match(await s.ended, { exitCode: -1 });
    await waitFor('the evicted sandbox to fail', async () => (await c.getSandbox(sb.id)).state === 'FAILED');
    const events = await c.listEvents({ sandboxId: sb.id });
    t.match(events.find((e) => e.type === 'failed')?.message, /Evicted: The node was low on resource: memory/);
    await expectError(c.runCollect({ sandboxId: sb.id, argv: ['true'] }), 'SANDBOX_DEAD');
    await c.deleteSandbox(sb.id);

    // Watches that expire (410 Gone) or drop are taken up again: a pod deleted behind the daemon's back after either is noticed.
    for (const cut of [() => fake.expireWatches(), () => fake.dropWatches()]) {
      const victim = await c.createSandbox({ template: 'k8s' });
      cut();
      await new Promise((r) => setTimeout(r, 300));
      const res = await fetch(`${fake.url}/api/v1/namespaces/godel/pods/${victim.id}`, { method: 'DELETE', headers: { Authorization: 'Bearer fake-token' } });
      t.equal(res.status, 200);
      await waitFor('the sandbox whose pod was deleted to fail', async () => (await c.getSandbox(victim.id)).state === 'FAILED');
      t.match((await c.getSandbox(victim.id)).statusMessage, /deleted/);
      await c.deleteSandbox(victim.id);
    }
    // A pod created while a list is on its way is newer than the list: the list's lack of it is no deletion.
    const lists = (m: Map<string, number>): number => m.get('godel') ?? 0;
    const [received, answered] = [lists(fake.listsReceived), lists(fake.listsAnswered)];
    fake.listDelayMs = 2500;
    fake.dropWatches(); // The daemon lists again.
    await waitFor('the daemon to list again', () => lists(fake.listsReceived) > received || undefined, 10_000);
    fake.watchDelayMs = 3000; // The watch after that list brings the pod's events only this late.
    let fresh;
    try {
      fresh = await c.createSandbox({ template: 'cold' });
      await waitFor('the slow list to be answered', () => lists(fake.listsAnswered) > answered || undefined, 10_000);
    } finally {
      fake.listDelayMs = 0;
      fake.watchDelayMs = 0;
    }
    await new Promise((r) => setTimeout(r, 300));
    t.equal(await sh(c, fresh.id, 'echo still here'), 'still here\n', 'the pod the list did not have is not taken for gone');
    t.equal((await c.getSandbox(fresh.id)).state, 'READY');
    await c.deleteSandbox(fresh.id);

    const proc = await c.createSandbox({});
    t.equal(await sh(c, proc.id, 'echo the process provider goes on'), 'the process provider goes on\n');
    await c.deleteSandbox(proc.id);
  });

  await t.test('a fork that fails after the daemon was told to stop is cleaned up before the store closes', async (t) => {
    const sb = await c.createSandbox({ template: 'slow' });
    // The fork's pods never get Ready: its restores fail at their 8 s deadline, after the 5 s the daemon's
    // stop gives calls in flight, and the fork then deletes its snapshot.
    fake.startDelayMs = 60_000;
    const hash = fake.pod('godel', sb.id)!.metadata.labels!['godel.dev/spec-hash'];
    const forkPods = (): number => fake.list('godel').filter((p) => p.metadata.name !== sb.id && p.metadata.labels?.['godel.dev/spec-hash'] === hash).length;
    const fork = c.fork({ sandboxId: sb.id, count: 2 }).then(() => 'answered', (err: Error) => err.message);
    try {
      await waitFor('the fork\'s pods to be created', () => forkPods() >= 2 || undefined, 10_000);
      await d.stop();
    } finally {
      fake.startDelayMs = 0;
    }
    t.not(await fork, 'answered');
    t.notOk(d.logs().find((l) => /not open/i.test(JSON.stringify(l))), 'nothing tried to use the store after it closed');
    t.notOk(d.logs().find((l) => l.msg === 'calls still running after the shutdown grace; closing under them'));
    await d.start();
    t.same((await d.client.listSnapshots()).filter((s) => s.sandboxId === sb.id), [], 'the failed fork\'s snapshot is gone');
    t.same((await d.client.listSandboxes()).map((s) => s.id), [sb.id], 'and no sandbox of it is left');
    await d.client.deleteSandbox(sb.id);
  });
});
