// envd's HTTP file routes: GET /files streams a file out (gzip when asked), POST /files takes files in,
// as multipart parts whose file names are their full target paths or as one octet-stream body (gzip
// when so encoded). Every file is written atomically beside its target and renamed into place, so an
// upload that fails (a full disk is 507, as envd answers) leaves no half-written file behind.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import busboy from 'busboy';
import type { FileManager } from '../files/file-manager.js';
import { E2bHttpError } from './errors.js';
import { resolvePath } from './envd-call.js';

/** Files one multipart upload may carry. */
const MAX_PARTS = 1000;

export async function getFile(files: FileManager, sandboxId: string, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const path = resolvePath(query.get('path') ?? '');
  const out = await files.read(sandboxId, path, 0, 0);
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.writeHead(200, { 'content-type': 'application/octet-stream', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
  res.on('close', () => { if (!res.writableFinished) out.cancel(); });
  await Promise.all([pipeline(gzip ? [out.stream, createGzip(), res] as const : [out.stream, res] as const), out.done]);
}

export async function postFiles(files: FileManager, sandboxId: string, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const type = String(req.headers['content-type'] ?? '');
  const written: Array<{ name: string; type: 'file'; path: string }> = [];
  if (type.startsWith('multipart/form-data')) {
    await eachPart(req, async (filename, body) => {
      const path = resolvePath(filename || query.get('path') || '');
      await writeOne(files, sandboxId, path, body);
      written.push(entry(path));
    });
  } else if (type.startsWith('application/octet-stream')) {
    const path = resolvePath(query.get('path') ?? '');
    const encoding = String(req.headers['content-encoding'] ?? 'identity');
    if (encoding !== 'identity' && encoding !== 'gzip') throw new E2bHttpError(400, `Content-Encoding ${encoding} is not supported (gzip is)`);
    await writeOne(files, sandboxId, path, encoding === 'gzip' ? req.pipe(createGunzip()) : req);
    written.push(entry(path));
  } else {
    throw new E2bHttpError(400, 'POST /files takes multipart/form-data or application/octet-stream');
  }
  if (written.length === 0) throw new E2bHttpError(400, 'the upload holds no file');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(written));
}

function entry(path: string): { name: string; type: 'file'; path: string } {
  return { name: path.slice(path.lastIndexOf('/') + 1), type: 'file', path };
}

/** Writes one file atomically, making its parent directories as envd does. */
async function writeOne(files: FileManager, sandboxId: string, path: string, body: Readable): Promise<void> {
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  if (parent !== '/') await files.makeDir(sandboxId, parent, true, 0o755);
  const w = await files.write(sandboxId, path, 'TRUNCATE', 0o644, true);
  try {
    await pipeline(body, w.input as Writable);
  } catch (err) {
    w.cancel();
    await w.done.catch(() => undefined);
    throw err;
  }
  await w.done;
}

/** Runs `onFile` for each file part in turn; busboy holds the next part back while one is being written. */
function eachPart(req: IncomingMessage, onFile: (filename: string, body: Readable) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      // preservePath: the SDK puts the full target path in each part's file name.
      bb = busboy({ headers: req.headers, preservePath: true, limits: { files: MAX_PARTS, fields: 0 } });
    } catch (err) {
      reject(new E2bHttpError(400, `not a multipart body: ${(err as Error).message}`));
      return;
    }
    let chain = Promise.resolve();
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume();
      reject(err);
    };
    bb.on('file', (_field, stream, info) => {
      if (failed) {
        stream.resume();
        return;
      }
      chain = chain.then(() => onFile(info.filename ?? '', stream)).catch((err: unknown) => {
        stream.resume();
        fail(err);
      });
    });
    bb.on('filesLimit', () => fail(new E2bHttpError(400, `an upload may hold at most ${MAX_PARTS} files`)));
    bb.on('error', (err: Error) => fail(new E2bHttpError(400, `bad multipart body: ${err.message}`)));
    bb.on('close', () => { void chain.then(() => { if (!failed) resolve(); }); });
    req.pipe(bb);
  });
}
