// The committed TypeScript in ipc/generated must be what the .proto files generate today.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

t.test('generated code matches the .proto files', async (t) => {
  const out = t.testdir({});
  execFileSync(process.execPath, [join(root, 'scripts', 'gen-proto.mjs'), out], { stdio: 'pipe' });
  const committed = join(root, 'ipc', 'generated');
  const fresh = walk(out).map((f) => relative(out, f)).sort();
  t.same(walk(committed).map((f) => relative(committed, f)).sort(), fresh, 'same files');
  for (const f of fresh) {
    t.equal(readFileSync(join(committed, f), 'utf8'), readFileSync(join(out, f), 'utf8'), `${f} is up to date (run npm run gen)`);
  }
});

t.test('the API package and contract names', async (t) => {
  const { loadApi } = await import('../ipc/proto.js');
  const v1 = loadApi().godel.v1;
  t.same(Object.keys(v1.Sandboxes.service).sort(), ['Create', 'Delete', 'Events', 'Get', 'List', 'Pause', 'Resume', 'SetTtl', 'Watch']);
  t.same(Object.keys(v1.Exec.service).sort(), ['Attach', 'ListSessions', 'Run', 'Session', 'Signal']);
  t.same(Object.keys(v1.Pools.service).sort(), ['List', 'Set']);
  t.same(Object.keys(v1.System.service).sort(), ['Info', 'Nodes', 'Version']);
  t.same(Object.keys(v1.Swarm.service).sort(), ['Delete', 'Exec', 'List', 'Spawn']);
  t.same(Object.keys(v1.Federation.service).sort(), ['Exchange', 'Relay'], 'served on the peer port only');
  t.equal(v1.Sandboxes.service.Create.path, '/godel.v1.Sandboxes/Create');
});
