import * as grpc from '@grpc/grpc-js';
import { loadApi } from '/work/main/dist/ipc/proto.js';
import { createWriteStream } from 'node:fs';
const api = loadApi(); const N = 256;
const client = new api.godel.v1.Files('unix:/tmp/tp/c.sock', grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 << 20, 'grpc-node.flow_control_window': Number(process.env.WIN ?? 8 << 20) });
const r = [];
for (let k = 0; k < 5; k++) {
  const t0 = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    const out = createWriteStream('/dev/null');
    const s = client.read({ sandboxId: 'x', path: '/p' });
    s.on('data', (ch) => { if (!out.write(ch.data)) { s.pause(); out.once('drain', () => s.resume()); } });
    s.on('end', () => out.end(resolve)); s.on('error', reject);
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6; r.push(Math.round(N / ms * 1000));
}
console.log(process.env.LABEL, r.join(' '));
client.close();
