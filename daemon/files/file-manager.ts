// The file manager runs every file operation inside the sandbox, as the sandbox's user, with standard
// tools (find, dd, cat, mkdir, rm, mv, tar, inotifywait) and fixed scripts whose only inputs are
// positional arguments. Paths are therefore resolved by the kernel within the sandbox's own mount
// namespace: no symlink, `..` or race can lead to a host file the sandbox does not itself see, and
// what is written belongs to the sandbox's user. This works for any provider that can exec.
import { closeSync, createReadStream, createWriteStream, fstatSync, futimesSync } from 'node:fs';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { GodelError } from '../errors.js';
import { ArchiveError, validateTar, type ArchiveStats } from '../../ipc/archive.js';
import type { Provider, RunningCommand } from '../providers/provider.js';
import type { SandboxRecord } from '../store/store.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { FilesConfig } from '../config/config.js';
import { LentFiles } from './lent-files.js';

export type FileTypeName = 'REGULAR' | 'DIRECTORY' | 'SYMLINK' | 'OTHER';

export interface FileInfo {
  path: string;
  type: FileTypeName;
  size: number;
  mode: number;
  modifiedAt: number;
  uid: number;
  gid: number;
  linkTarget: string;
}

export type WriteModeName = 'TRUNCATE' | 'CREATE' | 'APPEND';

export interface FileEvent {
  type: 'create' | 'modify' | 'delete' | 'move';
  path: string;
  from: string;
  isDir: boolean;
}

/** Bytes leaving the sandbox: read `stream`, then await `done` for the outcome; `cancel` stops it. */
export interface Outgoing {
  stream: Readable;
  done: Promise<void>;
  cancel(): void;
}

export interface LendSpec {
  access: 'READ' | 'WRITE';
  path: string;
  /** For WRITE, as for `write`. */
  mode: WriteModeName;
  permissions: number;
  atomic: boolean;
}

/** A file lent to a client (Files.Open): the ticket for its descriptor, and the end of the loan. */
export interface Loan {
  ticket: string;
  /** The file's size when it was opened. */
  size: number;
  /**
   * Ends the loan, once: `commit` keeps what was written (an atomic write is put in place), and sets the
   * modification time when given; without it an atomic write is discarded. Resolves with the size.
   */
  close(commit: boolean, modifiedAt?: number): Promise<number>;
}

export const LIST_LIMITS = { maxDepth: 64, maxEntries: 100_000 } as const;
const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', LC_ALL: 'C', HOME: '/workspace' };
// find -printf: type, size, mode, mtime, uid, gid, path, link target; NUL-separated.
const FIND_FORMAT = '%y\\0%s\\0%m\\0%T@\\0%U\\0%G\\0%p\\0%l\\0';
const WRITE_SCRIPTS: Record<WriteModeName, string> = {
  TRUNCATE: 'set -e; if [ ! -e "$1" ]; then : > "$1"; chmod "$2" -- "$1"; fi; cat > "$1"',
  CREATE: 'set -eC; : > "$1"; chmod "$2" -- "$1"; cat >| "$1"',
  APPEND: 'set -e; if [ ! -e "$1" ]; then : > "$1"; chmod "$2" -- "$1"; fi; cat >> "$1"',
};
// Atomic: write a temporary file beside the target and rename it over the target at the end; an
// interrupted write removes the temporary file. $3 is "create" when the target must not exist.
const ATOMIC_SCRIPT = 'set -e; t=$(mktemp "$(dirname -- "$1")/.godel-write.XXXXXX"); trap \'rm -f -- "$t"\' EXIT; trap \'exit 143\' TERM INT; '
  + 'chmod "$2" -- "$t"; cat > "$t"; if [ "$3" = create ] && [ -e "$1" ]; then echo "$1: File exists" >&2; exit 1; fi; mv -f -- "$t" "$1"; trap - EXIT';

/** What inotifywait prints on stderr before and once its watches are in place (without -q). */
const SETTING_UP = /Setting up watches\.[^\n]*\n/;
const WATCHES_ESTABLISHED = 'Watches established.';

export class FileManager {
  private readonly lent = new LentFiles();

  constructor(private readonly sandboxes: SandboxManager, private readonly config: FilesConfig) {}

  /**
   * Opens a regular file inside the sandbox, as read and write do, to lend its descriptor to a client of
   * `uid`. The daemon keeps its own descriptor until the loan ends: the client's is the same open file.
   */
  async lend(sandboxId: string, spec: LendSpec, uid: number): Promise<Loan> {
    if (spec.access === 'WRITE' && spec.atomic && spec.mode === 'APPEND') throw new GodelError('INVALID_ARGUMENT', 'an append cannot be atomic');
    const release = this.lent.reserve();
    let opened: { fd: number; finish(commit: boolean): Promise<void> } | undefined;
    try {
      const { sandbox, provider } = this.sandboxes.runnable(sandboxId);
      if (!provider.openFile || !provider.openFileForWrite) {
        throw new GodelError('NOT_SUPPORTED', `the ${provider.name} provider cannot lend files: use Files.Read and Files.Write`);
      }
      if (spec.access === 'READ') {
        await this.requireRegularFile(sandboxId, spec.path, 'only a regular file can be opened');
        opened = { fd: await openInside(() => provider.openFile!(sandbox.id, sandbox.handle!, spec.path), spec.path), finish: async () => undefined };
      } else {
        opened = await openInside(() => provider.openFileForWrite!(sandbox.id, sandbox.handle!, spec), spec.path);
      }
      const st = fstatSync(opened.fd);
      // A directory's descriptor would let its holder walk out of the sandbox with openat(".."); a device
      // or a FIFO is not a file to copy. Only what the stat above saw, a regular file, is lent.
      if (!st.isFile()) throw new GodelError('FILE_OPERATION_FAILED', `${spec.path} is not a regular file; only regular files can be opened`);
    } catch (err) {
      if (opened) {
        closeSync(opened.fd);
        await opened.finish(false);
      }
      release();
      throw err;
    }
    const { fd, finish } = opened;
    const ticket = this.lent.issue(fd, uid);
    let ended = false;
    const end = async (commit: boolean, modifiedAt?: number): Promise<number> => {
      if (ended) throw new GodelError('INVALID_ARGUMENT', 'the file is closed already');
      ended = true;
      this.lent.withdraw(ticket);
      try {
        let size: number;
        try {
          if (commit && modifiedAt !== undefined) futimesSync(fd, modifiedAt / 1000, modifiedAt / 1000);
          size = fstatSync(fd).size;
        } catch (err) {
          await finish(false);
          throw err;
        }
        await finish(commit).catch((err: unknown) => { throw fileError((err as Error).message, spec.path, 'write failed'); });
        return size;
      } finally {
        closeSync(fd);
        release();
      }
    };
    return { ticket, size: fstatSync(fd).size, close: end };
  }

  /** Files lent now. */
  get lentCount(): number {
    return this.lent.count;
  }

  /** Exchanges a ticket of `lend` for its descriptor (see LentFiles.collect). */
  collectLent(ticket: string, uid: number): number {
    return this.lent.collect(ticket, uid);
  }

  /** Forgets every unused ticket; the loans themselves end with their calls. */
  close(): void {
    this.lent.close();
  }

  async stat(sandboxId: string, path: string, follow = false): Promise<FileInfo> {
    const out = await this.collect(sandboxId, ['find', ...(follow ? ['-H'] : []), path, '-maxdepth', '0', '-printf', FIND_FORMAT], path);
    const [info] = parseFind(out);
    if (!info) throw new GodelError('FILE_NOT_FOUND', `${path} does not exist in the sandbox`);
    return info;
  }

  async list(sandboxId: string, path: string, depth: number): Promise<FileInfo[]> {
    const dir = await this.stat(sandboxId, path, true);
    if (dir.type !== 'DIRECTORY') throw new GodelError('NOT_A_DIRECTORY', `${path} is not a directory`);
    const out = await this.collect(sandboxId, ['find', '-H', path, '-mindepth', '1', '-maxdepth', String(depth), '-printf', FIND_FORMAT], path,
      LIST_LIMITS.maxEntries * 300);
    const entries = parseFind(out);
    if (entries.length > LIST_LIMITS.maxEntries) {
      throw new GodelError('REQUEST_TOO_LARGE', `${path} holds more than ${LIST_LIMITS.maxEntries} entries at depth ${depth}; list less deep`);
    }
    return entries.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** Streams a regular file (symlinks followed inside the sandbox) from offset, at most length bytes (0: all). */
  async read(sandboxId: string, path: string, offset: number, length: number): Promise<Outgoing> {
    await this.requireRegularFile(sandboxId, path, 'read a file, or use GetArchive');
    const { sandbox, provider } = this.sandboxes.runnable(sandboxId);
    if (provider.openFile) {
      // The file is opened inside the sandbox and read here directly: no process, no pipe in between.
      const fd = await openInside(() => provider.openFile!(sandbox.id, sandbox.handle!, path), path);
      const stream = createReadStream('', { fd, start: offset, ...(length ? { end: offset + length - 1 } : {}), highWaterMark: 1024 * 1024 });
      return { stream, done: finished(stream), cancel: () => stream.destroy() };
    }
    const args = ['dd', `if=${path}`, 'bs=1M', 'iflag=skip_bytes,count_bytes,fullblock', `skip=${offset}`, 'status=none', ...(length ? [`count=${length}`] : [])];
    return this.outgoing(this.spawn(sandboxId, args), path);
  }

  /** Starts a write: the caller streams the bytes into `input`, ends it, and awaits `done`. */
  async write(sandboxId: string, path: string, mode: WriteModeName, permissions: number, atomic: boolean): Promise<{ input: Writable; done: Promise<void>; cancel(): void }> {
    if (atomic && mode === 'APPEND') throw new GodelError('INVALID_ARGUMENT', 'an append cannot be atomic');
    const { sandbox, provider } = this.sandboxes.runnable(sandboxId);
    if (provider.openFileForWrite) {
      // The file is opened inside the sandbox and written here directly: no process, no pipe in between.
      const target = await openInside(() => provider.openFileForWrite!(sandbox.id, sandbox.handle!, { path, mode, permissions, atomic }), path);
      const input = createWriteStream('', { fd: target.fd, highWaterMark: 8 * 1024 * 1024 });
      const done = finished(input).then(
        () => target.finish(true).catch((err: unknown) => { throw fileError((err as Error).message, path, 'write failed'); }),
        async (err: NodeJS.ErrnoException) => {
          await target.finish(false);
          if (err.code === 'ENOSPC' || err.code === 'EDQUOT') throw new GodelError('DISK_FULL', `no space left in the sandbox writing ${path}`);
          throw new GodelError('FILE_OPERATION_FAILED', `${path}: ${err.message}`);
        },
      );
      return { input, done, cancel: () => input.destroy(new Error('cancelled')) };
    }
    const perms = (permissions || 0o644).toString(8);
    const argv = atomic
      ? ['/bin/sh', '-c', ATOMIC_SCRIPT, 'godel-write', path, perms, mode === 'CREATE' ? 'create' : 'replace']
      : ['/bin/sh', '-c', WRITE_SCRIPTS[mode], 'godel-write', path, perms];
    const cmd = this.spawn(sandboxId, argv);
    const done = this.finish(cmd, path);
    cmd.stdin.on('error', () => undefined); // The script failed before reading: `done` carries its error.
    return { input: cmd.stdin, done, cancel: () => cmd.kill('SIGTERM') };
  }

  async makeDir(sandboxId: string, path: string, parents: boolean, permissions: number): Promise<void> {
    await this.collect(sandboxId, ['mkdir', ...(parents ? ['-p'] : []), '-m', (permissions || 0o755).toString(8), '--', path], path);
  }

  async remove(sandboxId: string, path: string, recursive: boolean): Promise<void> {
    if (path === '/') throw new GodelError('FILE_OPERATION_FAILED', 'refusing to remove the sandbox root');
    await this.stat(sandboxId, path);
    await this.collect(sandboxId, ['rm', recursive ? '-rf' : '-d', '--', path], path);
  }

  async move(sandboxId: string, from: string, to: string, overwrite: boolean): Promise<void> {
    await this.stat(sandboxId, from);
    if (!overwrite) {
      const exists = await this.stat(sandboxId, to).then(() => true, (err: unknown) => {
        if (err instanceof GodelError && err.code === 'FILE_NOT_FOUND') return false;
        throw err;
      });
      if (exists) throw new GodelError('FILE_EXISTS', `${to} exists; set overwrite to replace it`);
    }
    await this.collect(sandboxId, ['mv', '-f', '-T', '--', from, to], from);
  }

  /** Unpacks a tar into a directory: the caller streams the tar into `input`, ends it, and awaits `done`. */
  async putArchive(sandboxId: string, path: string): Promise<{ input: Writable; done: Promise<ArchiveStats>; cancel(): void }> {
    const dir = await this.stat(sandboxId, path, true);
    if (dir.type !== 'DIRECTORY') throw new GodelError('NOT_A_DIRECTORY', `${path} is not a directory`);
    const input = new PassThrough({ highWaterMark: 1024 * 1024 });
    const { sandbox, provider } = this.sandboxes.runnable(sandboxId);
    const { done, cancel } = this.unpack(sandbox, provider, path, input);
    return { input, done, cancel };
  }

  /** Unpacks a tar stream into a directory of a sandbox that is not handed out yet (workspace seeding). */
  unpackInto(sandbox: SandboxRecord, provider: Provider, path: string, input: Readable): Promise<ArchiveStats> {
    return this.unpack(sandbox, provider, path, input).done;
  }

  /** Validates the tar entry by entry and feeds the copy to tar running inside the sandbox. */
  private unpack(sandbox: SandboxRecord, provider: Provider, path: string, input: Readable): { done: Promise<ArchiveStats>; cancel(): void } {
    const cmd = provider.exec(sandbox.handle!, { argv: ['tar', '-x', '--no-same-owner', '--delay-directory-restore', '-C', path, '-f', '-'], env: ENV, cwd: '/' });
    cmd.stdin.on('error', () => undefined); // tar failing early closes its stdin: its exit status tells why.
    const unpacked = this.finish(cmd, path);
    const validated = validateTar(input, cmd.stdin, this.config.maxArchiveEntries).catch((err: unknown) => {
      cmd.kill('SIGKILL');
      throw err instanceof ArchiveError ? new GodelError('INVALID_ARCHIVE', err.message) : err;
    });
    // If tar stops early, drop the rest of the upload instead of waiting for it to be read.
    unpacked.catch(() => input.destroy());
    const done = Promise.all([validated, unpacked]).then(([stats]) => stats);
    return { done, cancel: () => { input.destroy(); cmd.kill('SIGKILL'); } };
  }

  async getArchive(sandboxId: string, path: string): Promise<Outgoing> {
    await this.stat(sandboxId, path);
    const parent = path === '/' ? '/' : path.slice(0, path.lastIndexOf('/')) || '/';
    const name = path === '/' ? '.' : path.slice(path.lastIndexOf('/') + 1);
    return this.outgoing(this.spawn(sandboxId, ['tar', '-c', '-C', parent, '--', name]), path);
  }

  private outgoing(cmd: RunningCommand, path: string): Outgoing {
    cmd.stdin.end();
    return { stream: cmd.stdout, done: this.finish(cmd, path), cancel: () => cmd.kill('SIGKILL') };
  }

  /** Streams changes under a directory; returns a function that stops watching. */
  async watch(sandboxId: string, path: string, onEvent: (e: FileEvent) => void, onEnd: (err?: Error) => void): Promise<() => void> {
    const dir = await this.stat(sandboxId, path, true);
    if (dir.type !== 'DIRECTORY') throw new GodelError('NOT_A_DIRECTORY', `${path} is not a directory`);
    // Without -q, inotifywait says on stderr once its watches are in place: the watch is returned only
    // then, so that a change made right after it returns is seen (on a loaded machine the setup can
    // take longer than a client's next call).
    const cmd = this.spawn(sandboxId, ['inotifywait', '-m', '-r', '--no-newline', '--format', '%e%0%w%f%0',
      '-e', 'create,modify,delete,moved_from,moved_to', '--', path]);
    cmd.stdin.end();
    let buffer = '';
    // Creations reported both by inotify and by listing a new directory are sent once.
    const recentCreates = new Set<string>();
    const emit = (e: FileEvent): void => {
      if (e.type === 'create') {
        if (recentCreates.has(e.path)) return;
        recentCreates.add(e.path);
        setTimeout(() => recentCreates.delete(e.path), 2000).unref();
      }
      onEvent(e);
    };
    let pendingMove: { path: string; isDir: boolean; timer: NodeJS.Timeout } | undefined;
    const flushMove = (): void => {
      if (!pendingMove) return;
      clearTimeout(pendingMove.timer);
      emit({ type: 'delete', path: pendingMove.path, from: '', isDir: pendingMove.isDir });
      pendingMove = undefined;
    };
    cmd.stdout.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      const fields = buffer.split('\0');
      buffer = fields.length % 2 === 1 ? fields.pop()! : `${fields.splice(-2, 2).join('\0')}`;
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const flags = fields[i]!.split(',');
        const file = fields[i + 1]!;
        const isDir = flags.includes('ISDIR');
        if (flags.includes('MOVED_FROM')) {
          flushMove();
          // A rename inside the watched tree arrives as MOVED_FROM then MOVED_TO: pair them into one move.
          pendingMove = { path: file, isDir, timer: setTimeout(flushMove, 50) };
        } else if (flags.includes('MOVED_TO')) {
          const from = pendingMove?.path ?? '';
          if (pendingMove) clearTimeout(pendingMove.timer);
          pendingMove = undefined;
          emit({ type: from ? 'move' : 'create', path: file, from, isDir });
        } else {
          flushMove();
          const type = flags.includes('CREATE') ? 'create' : flags.includes('DELETE') ? 'delete' : 'modify';
          emit({ type, path: file, from: '', isDir });
          // inotify watches a new directory only once inotifywait has seen it: what was created in it
          // before that is found by listing it.
          if (type === 'create' && isDir) {
            this.list(sandboxId, file, LIST_LIMITS.maxDepth).then(
              (entries) => { for (const e of entries) emit({ type: 'create', path: e.path, from: '', isDir: e.type === 'DIRECTORY' }); },
              () => undefined, // The directory is already gone again: its delete event follows.
            );
          }
        }
      }
    });
    let stderr = '';
    let established: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => { established = resolve; });
    cmd.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      const at = stderr.indexOf(WATCHES_ESTABLISHED);
      if (at < 0) return;
      stderr = stderr.slice(at + WATCHES_ESTABLISHED.length).replace(/^\n/, '');
      established();
    });
    const failure = (r: { exitCode: number }): GodelError => new GodelError('FILE_OPERATION_FAILED', `watching ${path} failed: ${stderr.replace(SETTING_UP, '').trim() || `inotifywait exited ${r.exitCode}`}`);
    const exited = cmd.exited.then((r) => {
      flushMove();
      if (r.exitCode === 0 || r.signal) onEnd();
      else onEnd(failure(r));
      return r;
    });
    // Ended before its watches were in place (a path gone meanwhile, the sandbox's inotify limits): the
    // caller hears why from the call itself.
    const early = await Promise.race([ready.then(() => undefined), exited]);
    if (early) throw failure(early);
    return () => cmd.kill('SIGKILL');
  }

  private spawn(sandboxId: string, argv: string[]): RunningCommand {
    const { sandbox, provider } = this.sandboxes.runnable(sandboxId);
    return provider.exec(sandbox.handle!, { argv, env: ENV, cwd: '/' });
  }

  /** Runs a command to its end and returns its stdout; a failure becomes the GodelError its stderr names. */
  private async collect(sandboxId: string, argv: string[], path: string, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    const cmd = this.spawn(sandboxId, argv);
    cmd.stdin.end();
    const chunks: Buffer[] = [];
    let size = 0;
    cmd.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > maxBytes) cmd.kill('SIGKILL');
      else chunks.push(d);
    });
    await this.finish(cmd, path);
    if (size > maxBytes) throw new GodelError('REQUEST_TOO_LARGE', `the answer for ${path} is larger than ${maxBytes} bytes`);
    return Buffer.concat(chunks);
  }

  /** Throws unless `path` (symlinks followed inside the sandbox) is a regular file; `forDirectory` says what to do instead. */
  private async requireRegularFile(sandboxId: string, path: string, forDirectory: string): Promise<void> {
    const info = await this.stat(sandboxId, path, true);
    if (info.type === 'DIRECTORY') throw new GodelError('IS_A_DIRECTORY', `${path} is a directory; ${forDirectory}`);
    if (info.type !== 'REGULAR') throw new GodelError('FILE_OPERATION_FAILED', `${path} is not a regular file`);
  }

  /** Waits for a command and turns a failure into a GodelError from its stderr. */
  async finish(cmd: RunningCommand, path: string): Promise<void> {
    let stderr = '';
    cmd.stderr?.on('data', (d: Buffer) => { if (stderr.length < 4096) stderr += d.toString(); });
    const r = await cmd.exited;
    if (r.exitCode === 0) return;
    throw fileError(stderr, path, r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`);
  }
}

/** Opens a file through a provider's holder inside the sandbox; the shell's message ("Permission denied") names the code. */
function openInside<T>(open: () => Promise<T>, path: string): Promise<T> {
  return open().catch((err: unknown) => { throw fileError((err as Error).message, path, 'open failed'); });
}

/** Maps the C locale's error messages of the file tools to error codes. */
export function fileError(stderr: string, path: string, how: string): GodelError {
  const msg = stderr.trim().split('\n').pop() ?? '';
  const table: Array<[RegExp, ConstructorParameters<typeof GodelError>[0], string]> = [
    [/No such file or directory|Directory nonexistent/, 'FILE_NOT_FOUND', `${path} (or a directory above it) does not exist in the sandbox`],
    [/Read-only file system/, 'READ_ONLY_PATH', `${path} is on a read-only part of the sandbox (writable: /workspace, /tmp, /dev/shm)`],
    [/Permission denied|Operation not permitted/, 'FILE_PERMISSION_DENIED', `the sandbox user may not do that to ${path}`],
    [/Is a directory/, 'IS_A_DIRECTORY', `${path} is a directory`],
    [/Not a directory/, 'NOT_A_DIRECTORY', `a component of ${path} is not a directory`],
    [/File exists/, 'FILE_EXISTS', `${path} exists`],
    [/Directory not empty/, 'DIRECTORY_NOT_EMPTY', `${path} is a directory that is not empty; remove it recursively`],
    [/No space left on device|Disk quota exceeded/, 'DISK_FULL', `no space left in the sandbox writing ${path}`],
  ];
  for (const [re, code, message] of table) if (re.test(msg)) return new GodelError(code, message);
  return new GodelError('FILE_OPERATION_FAILED', `${path}: ${msg || how}`);
}

function parseFind(out: Buffer): FileInfo[] {
  const fields = out.toString('utf8').split('\0');
  const list: FileInfo[] = [];
  for (let i = 0; i + 8 <= fields.length; i += 8) {
    const [y, size, mode, mtime, uid, gid, path, link] = fields.slice(i, i + 8) as [string, string, string, string, string, string, string, string];
    list.push({
      path, size: Number(size), mode: parseInt(mode, 8), modifiedAt: Math.round(Number(mtime) * 1000), uid: Number(uid), gid: Number(gid),
      type: y === 'f' ? 'REGULAR' : y === 'd' ? 'DIRECTORY' : y === 'l' ? 'SYMLINK' : 'OTHER', linkTarget: link,
    });
  }
  return list;
}
