// The sandbox contract (tests/helpers/sandbox-contract.ts) against a process sandbox; the microvm
// test runs the same against a VM.
import t from 'tap';
import { poolConfig, startDaemon } from './helpers/daemon.js';
import { sandboxContract } from './helpers/sandbox-contract.js';

t.test('the sandbox contract holds for a process sandbox', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const { id } = await d.client.createSandbox({});
  await sandboxContract(t, d.client, id, true);
});
