// The agent channel's line reader (guest/lines.ts): lines cut anywhere by reads, a UTF-8 character cut in
// two, a buffer reused by the caller, and a reset that drops a partial line.
import t from 'tap';
import { LineReader } from '../guest/lines.js';

t.test('lines cut anywhere come out whole, in order', async (t) => {
  const text = `${'x'.repeat(300_000)}\n{"a":"é€😀"}\n\nlast`;
  const bytes = Buffer.from(text, 'utf8');
  for (const size of [1, 7, 4096, bytes.length]) {
    const r = new LineReader();
    const lines: string[] = [];
    const buf = Buffer.alloc(size);
    for (let off = 0; off < bytes.length; off += size) {
      const n = bytes.copy(buf, 0, off, off + size);
      r.push(buf.subarray(0, n), (l) => lines.push(l)); // The same buffer each time, as the agent reads.
    }
    t.same(lines, ['x'.repeat(300_000), '{"a":"é€😀"}', ''], `reads of ${size} bytes`);
  }
});

t.test('a reset drops the partial line', async (t) => {
  const r = new LineReader();
  const lines: string[] = [];
  r.push(Buffer.from('half a li'), (l) => lines.push(l));
  r.reset();
  r.push(Buffer.from('ne\nnext\n'), (l) => lines.push(l));
  t.same(lines, ['ne', 'next']);
});
