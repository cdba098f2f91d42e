// Validation of tar streams, shared by the daemon (PutArchive) and godelctl (cp out of a sandbox): a tar
// is parsed entry by entry and re-packed, so memory stays flat whatever its size, and an archive that
// tries to escape the directory it is unpacked into is refused before anything of it is written.
// Refused: absolute names, `..` components, device nodes and FIFOs, hard links that leave the archive,
// entries that pass through a symlink the archive itself created (the symlink-then-write trick), and
// more than `maxEntries` entries.
import { createReadStream, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline, type Readable, type Writable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import tar from 'tar-stream';

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

export interface ArchiveStats {
  entries: number;
  bytes: number;
}

export const DEFAULT_MAX_ENTRIES = 1_000_000;

/** Normalizes an entry name ("./a//b/" -> "a/b"); throws for names that could leave the target directory. */
export function safeEntryName(name: string): string {
  if (name.includes('\0')) throw new ArchiveError('an entry name contains a NUL byte');
  if (name.startsWith('/')) throw new ArchiveError(`entry "${name}" has an absolute name`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ArchiveError(`entry "${name}" has a ".." component`);
  return parts.join('/');
}

/**
 * Reads a tar from `input` and writes a validated copy to `output`. Resolves with the counts once the
 * copy is complete; rejects with ArchiveError (and stops writing) at the first bad entry.
 */
export function validateTar(input: Readable, output: Writable, maxEntries = DEFAULT_MAX_ENTRIES): Promise<ArchiveStats> {
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    const pack = tar.pack();
    const symlinks = new Set<string>();
    const stats: ArchiveStats = { entries: 0, bytes: 0 };
    let failed = false;
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      extract.destroy();
      pack.destroy();
      input.unpipe?.(extract);
      reject(err);
    };

    extract.on('entry', (header, stream, next) => {
      try {
        stats.entries++;
        if (stats.entries > maxEntries) throw new ArchiveError(`the archive has more than ${maxEntries} entries`);
        const name = safeEntryName(header.name);
        const parts = name.split('/');
        for (let i = 1; i < parts.length; i++) {
          const prefix = parts.slice(0, i).join('/');
          if (symlinks.has(prefix)) throw new ArchiveError(`entry "${header.name}" goes through "${prefix}", a symlink made by the same archive`);
        }
        if (header.type === 'symlink') symlinks.add(name);
        else if (header.type === 'link') header.linkname = safeEntryName(header.linkname ?? '');
        else if (header.type !== 'file' && header.type !== 'directory') {
          throw new ArchiveError(`entry "${header.name}" is a ${header.type}: only files, directories and links are allowed`);
        }
        if (!name) {
          // "./" itself: the target directory, which exists already.
          stream.resume();
          stream.on('end', next);
          return;
        }
        const out = pack.entry({ ...header, name, uid: 0, gid: 0, uname: '', gname: '' }, (err) => {
          if (err) fail(err);
          else next();
        });
        stream.on('data', (d: unknown) => { stats.bytes += (d as Buffer).length; });
        pipeline(stream, out, (err) => { if (err) fail(err); });
      } catch (err) {
        fail(err as Error);
      }
    });
    extract.on('finish', () => {
      if (!failed) pack.finalize();
    });
    extract.on('error', (err) => fail(new ArchiveError(`not a valid tar stream: ${err.message}`)));
    pack.on('error', (err) => fail(err));
    pack.pipe(output);
    let complete = false;
    output.on('finish', () => {
      complete = true;
      if (!failed) resolve(stats);
    });
    output.on('close', () => { if (!complete) fail(new Error('the unpacker stopped reading the archive')); });
    output.on('error', (err) => fail(err));
    input.on('error', (err) => fail(err));
    input.pipe(extract);
  });
}

/** Packs a host file or directory tree under `name`, one entry at a time. */
export async function packTree(pack: tar.Pack, hostPath: string, name: string): Promise<void> {
  const st = lstatSync(hostPath);
  const header = { name, mode: st.mode & 0o7777, mtime: st.mtime };
  if (st.isSymbolicLink()) {
    await entry(pack, { ...header, type: 'symlink', linkname: readlinkSync(hostPath) });
  } else if (st.isDirectory()) {
    await entry(pack, { ...header, type: 'directory' });
    for (const child of readdirSync(hostPath).sort()) await packTree(pack, join(hostPath, child), `${name}/${child}`);
  } else if (st.isFile()) {
    await new Promise<void>((res, rej) => {
      const out = pack.entry({ ...header, type: 'file', size: st.size }, (err) => (err ? rej(err) : res()));
      pipelineAsync(createReadStream(hostPath), out).catch(rej);
    });
  } else {
    // Sockets, FIFOs and devices have no place in a copy: they are left out.
  }
}

function entry(pack: tar.Pack, header: Partial<tar.Header> & { name: string }): Promise<void> {
  return new Promise((res, rej) => pack.entry(header, (err) => (err ? rej(err) : res())));
}

