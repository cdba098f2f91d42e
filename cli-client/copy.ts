// `godelctl cp`, like `docker cp`: host paths and ID:PATH on either side, with a progress line on a
// terminal for large transfers. A regular file is copied through its own descriptor, lent by the daemon
// (Files.Open), where the provider can lend it, and streamed otherwise; a directory is copied whole as a
// tar stream (nothing is buffered whole). Either way the permission bits and modification times go along.
import { createReadStream, createWriteStream, linkSync, lstatSync, mkdirSync, symlinkSync, utimesSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { ArchiveError, packTree, validateTar } from '../ipc/archive.js';
import { toClientError, type GodelClient, type FileChunk } from '../ipc/client.js';

export interface SandboxPath {
  sandboxId: string;
  path: string;
}

/** "sb-...:/path" names a path in a sandbox; anything else is a host path. */
export function parseLocation(arg: string): SandboxPath | undefined {
  const m = /^(sb-[0-9a-z-]+):(.*)$/.exec(arg);
  if (!m) return undefined;
  if (!m[2]!.startsWith('/')) throw new Error(`"${arg}": the path in a sandbox must be absolute, e.g. ${m[1]}:/workspace/file`);
  return { sandboxId: m[1]!, path: m[2]! };
}

/** Shows bytes moved and the rate on stderr when it is a terminal, once the transfer passes 1 MiB. */
class Progress {
  private bytes = 0;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(private readonly label: string) {
    if (process.stderr.isTTY) this.timer = setInterval(() => this.draw(), 200);
  }

  add(n: number): void {
    this.bytes += n;
  }

  done(): number {
    clearInterval(this.timer);
    if (this.shown) {
      this.draw();
      process.stderr.write('\n');
    }
    return this.bytes;
  }

  private draw(): void {
    if (this.bytes < 1024 * 1024) return;
    this.shown = true;
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    process.stderr.write(`\r${this.label}: ${mib(this.bytes)} MiB copied (${mib(this.bytes / secs)} MiB/s)   `);
  }
}

const mib = (n: number): string => (n / 2 ** 20).toFixed(1);

export async function copy(c: GodelClient, src: string, dest: string): Promise<void> {
  const from = parseLocation(src);
  const to = parseLocation(dest);
  if (from && to) throw new Error('copy between two sandboxes is not supported: copy to the host first');
  if (!from && !to) throw new Error('one side of cp must be in a sandbox (ID:/path)');
  if (to) await copyIn(c, resolve(src), to);
  else await copyOut(c, from!, resolve(dest));
}

/** Host -> sandbox: into DEST when it is a directory, else as DEST (its parent must exist). */
async function copyIn(c: GodelClient, hostPath: string, to: SandboxPath): Promise<void> {
  lstatSync(hostPath); // A clear ENOENT before anything is sent.
  let targetDir = to.path;
  let name = basename(hostPath);
  const existing = await c.stat(to.sandboxId, to.path).catch((err: unknown) => {
    const e = toClientError(err, c.socket);
    if (e.code === 'FILE_NOT_FOUND') return undefined;
    throw e;
  });
  if (!existing || existing.type !== 'DIRECTORY') {
    targetDir = dirname(to.path);
    name = basename(to.path);
  }
  const progress = new Progress(`${basename(hostPath)} -> ${to.sandboxId}`);
  if (lstatSync(hostPath).isFile()) {
    const path = targetDir === '/' ? `/${name}` : `${targetDir}/${name}`;
    try {
      // Atomic: the file appears whole, and a symlink already at the path is replaced, not written through.
      await c.uploadFile(hostPath, { sandboxId: to.sandboxId, path, mode: 'TRUNCATE', permissions: lstatSync(hostPath).mode & 0o777, atomic: true },
        { onProgress: (n) => progress.add(n) });
    } finally {
      progress.done();
    }
    return;
  }
  const pack = tar.pack();
  const packing = packTree(pack, hostPath, name).then(() => pack.finalize(), (err: unknown) => pack.destroy(err as Error));
  const counted = new PassThrough();
  counted.on('data', (d: Buffer) => progress.add(d.length));
  pack.pipe(counted);
  try {
    await Promise.all([c.putArchive(to.sandboxId, targetDir, counted), packing]);
  } finally {
    progress.done();
  }
}

/** Sandbox -> host: into DEST when it is a directory, else as DEST. */
async function copyOut(c: GodelClient, from: SandboxPath, hostDest: string): Promise<void> {
  let targetDir = hostDest;
  let rename: string | undefined;
  const st = lstatOrUndefined(hostDest);
  if (!st || !st.isDirectory()) {
    targetDir = dirname(hostDest);
    rename = basename(hostDest);
  }
  const progress = new Progress(`${from.sandboxId}:${from.path}`);
  const info = await c.stat(from.sandboxId, from.path);
  if (info.type === 'REGULAR') {
    try {
      await c.downloadFile(from.sandboxId, from.path, join(targetDir, rename ?? basename(from.path)), { onProgress: (n) => progress.add(n) });
    } finally {
      progress.done();
    }
    return;
  }
  const stream = c.files.getArchive({ sandboxId: from.sandboxId, path: from.path });
  const raw = new PassThrough();
  stream.on('data', (ch: FileChunk) => {
    progress.add(ch.data.length);
    if (!raw.write(ch.data)) {
      stream.pause();
      raw.once('drain', () => stream.resume());
    }
  });
  stream.on('end', () => raw.end());
  stream.on('error', (err) => raw.destroy(toClientError(err, c.socket)));
  const validated = new PassThrough();
  try {
    await Promise.all([validateTar(raw, validated), extractTo(validated, targetDir, basename(from.path), rename)]);
  } catch (err) {
    throw err instanceof ArchiveError ? new Error(`the sandbox sent an unsafe archive: ${err.message}`) : err;
  } finally {
    progress.done();
  }
}

/**
 * Extracts a validated tar under `dir`, renaming its top-level `name` to `rename`. Refuses to write
 * through a symlink that already exists on the host under `dir`.
 */
function extractTo(input: Readable, dir: string, name: string, rename: string | undefined): Promise<void> {
  return new Promise((res, rej) => {
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      const fail = (err: Error): void => { extract.destroy(err); rej(err); };
      try {
        const rel = rename && (header.name === name || header.name.startsWith(`${name}/`)) ? rename + header.name.slice(name.length) : header.name;
        const target = join(dir, rel);
        let at = dir;
        for (const part of rel.split('/').slice(0, -1)) {
          at = join(at, part);
          if (lstatOrUndefined(at)?.isSymbolicLink()) throw new Error(`refusing to write through the symlink ${at}`);
        }
        if (lstatOrUndefined(target)?.isSymbolicLink()) throw new Error(`refusing to overwrite the symlink ${target}`);
        const mtime = header.mtime ?? new Date();
        if (header.type === 'directory') {
          mkdirSync(target, { recursive: true, mode: (header.mode ?? 0o755) & 0o777 });
          stream.resume();
          stream.on('end', next);
        } else if (header.type === 'symlink') {
          symlinkSync(header.linkname!, target);
          stream.resume();
          stream.on('end', next);
        } else if (header.type === 'file') {
          pipeline(stream, createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o777 })).then(() => {
            utimesSync(target, mtime, mtime);
            next();
          }, fail);
        } else if (header.type === 'link') {
          const linked = rename && (header.linkname === name || header.linkname!.startsWith(`${name}/`)) ? rename + header.linkname!.slice(name.length) : header.linkname!;
          linkSync(join(dir, linked), target);
          stream.resume();
          stream.on('end', next);
        } else {
          stream.resume();
          stream.on('end', next);
        }
      } catch (err) {
        fail(err as Error);
      }
    });
    extract.on('finish', () => res());
    extract.on('error', rej);
    input.pipe(extract);
  });
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined; // Does not exist.
  }
}

/** "git:/path/to/repo#ref" -> { repo, ref }. */
export function parseGitSource(spec: string): { repo: string; ref: string } {
  const rest = spec.slice('git:'.length);
  const hash = rest.lastIndexOf('#');
  const repo = resolve(hash >= 0 ? rest.slice(0, hash) : rest);
  return { repo, ref: hash >= 0 ? rest.slice(hash + 1) : '' };
}

/** Fills a new sandbox's /workspace from a host directory (its contents) or a tar file. */
export async function seedWorkspace(c: GodelClient, sandboxId: string, source: string): Promise<void> {
  const path = resolve(source);
  const st = lstatSync(path);
  if (st.isDirectory()) {
    const pack = tar.pack();
    const packing = packTree(pack, path, '.').then(() => pack.finalize(), (err: unknown) => pack.destroy(err as Error));
    await Promise.all([c.putArchive(sandboxId, '/workspace', pack as unknown as AsyncIterable<Buffer>), packing]);
  } else if (st.isFile()) {
    await c.putArchive(sandboxId, '/workspace', createReadStream(path));
  } else {
    throw new Error(`${source} is neither a directory nor a tar file`);
  }
}
