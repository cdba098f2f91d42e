// envd's filesystem.Filesystem service over godel's file manager, which runs each operation inside the
// sandbox as its user (so paths resolve in the sandbox's own mount namespace).
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { GodelError } from '../errors.js';
import { LIST_LIMITS, type FileEvent, type FileInfo, type FileManager } from '../files/file-manager.js';
import { connectErrorOf } from './errors.js';
import { EventQueue } from './event-queue.js';
import { envdCall, resolvePath, unaryCall, type OnCall } from './envd-call.js';
import { type EntryInfoSchema, EventType, FileType, Filesystem, type WatchDirResponseSchema } from './generated/filesystem/filesystem_pb.js';

type EntryInit = MessageInitShape<typeof EntryInfoSchema>;
type WatchInit = MessageInitShape<typeof WatchDirResponseSchema>;

// Go's os.FileMode type bits, which envd's `mode` carries above the permission bits.
const GO_MODE_DIR = 0x80000000;
const GO_MODE_SYMLINK = 0x08000000;

export function filesystemService(files: FileManager, onCall: OnCall): Partial<ServiceImpl<typeof Filesystem>> {
  const unary = <T>(method: string, ctx: HandlerContext, fn: (sandboxId: string) => T | Promise<T>): Promise<T> => unaryCall(method, ctx, onCall, fn);

  return {
    async stat(req, ctx) {
      return unary('filesystem.Stat', ctx, async (id) => ({ entry: toEntry(await files.stat(id, resolvePath(req.path))) }));
    },

    async makeDir(req, ctx) {
      return unary('filesystem.MakeDir', ctx, async (id) => {
        const path = resolvePath(req.path);
        const exists = await files.stat(id, path).then(() => true, (err: unknown) => {
          if (err instanceof GodelError && err.code === 'FILE_NOT_FOUND') return false;
          throw err;
        });
        // The SDK reads AlreadyExists as "makeDir returned false".
        if (exists) throw new ConnectError(`directory ${path} already exists`, Code.AlreadyExists);
        await files.makeDir(id, path, true, 0o755);
        return { entry: toEntry(await files.stat(id, path)) };
      });
    },

    async move(req, ctx) {
      return unary('filesystem.Move', ctx, async (id) => {
        const from = resolvePath(req.source);
        const to = resolvePath(req.destination);
        await files.move(id, from, to, true);
        return { entry: toEntry(await files.stat(id, to)) };
      });
    },

    async listDir(req, ctx) {
      return unary('filesystem.ListDir', ctx, async (id) => {
        const depth = req.depth || 1;
        if (depth > LIST_LIMITS.maxDepth) throw new ConnectError(`depth must be at most ${LIST_LIMITS.maxDepth}`, Code.InvalidArgument);
        return { entries: (await files.list(id, resolvePath(req.path), depth)).map(toEntry) };
      });
    },

    async remove(req, ctx) {
      return unary('filesystem.Remove', ctx, async (id) => {
        await files.remove(id, resolvePath(req.path), true);
        return {};
      });
    },

    async *watchDir(req, ctx) {
      const { sandboxId } = envdCall(ctx);
      const q = new EventQueue<WatchInit>();
      let stop: (() => void) | undefined;
      try {
        if (req.includeEntry) throw new ConnectError('entries in watch events need envd 0.6.3; this endpoint reports an older envd', Code.Unimplemented);
        const root = resolvePath(req.path);
        const prefix = root === '/' ? '/' : `${root}/`;
        const emit = (type: EventType, path: string): void => {
          const name = path.startsWith(prefix) ? path.slice(prefix.length) : path;
          if (!name || (!req.recursive && name.includes('/'))) return;
          q.push({ event: { case: 'filesystem', value: { name, type } } });
        };
        stop = await files.watch(sandboxId, root, (e: FileEvent) => {
          // fsnotify, which envd uses, reports a rename as RENAME of the old name and CREATE of the new one.
          if (e.type === 'move') {
            emit(EventType.RENAME, e.from);
            emit(EventType.CREATE, e.path);
          } else {
            emit(e.type === 'create' ? EventType.CREATE : e.type === 'delete' ? EventType.REMOVE : EventType.WRITE, e.path);
          }
        }, (err) => q.end(err ? connectErrorOf(err) : undefined));
        onCall('filesystem.WatchDir', sandboxId);
      } catch (err) {
        onCall('filesystem.WatchDir', sandboxId, err);
        throw connectErrorOf(err);
      }
      const interval = Number(ctx.requestHeader.get('keepalive-ping-interval') ?? 0);
      const keepalive = interval > 0 ? setInterval(() => q.push({ event: { case: 'keepalive', value: {} } }), interval * 1000) : undefined;
      try {
        yield { event: { case: 'start', value: {} } };
        yield* q.drain(ctx.signal);
      } finally {
        clearInterval(keepalive);
        stop?.();
      }
    },
  };
}

export function toEntry(f: FileInfo): EntryInit {
  const type = f.type === 'DIRECTORY' ? FileType.DIRECTORY : f.type === 'SYMLINK' ? FileType.SYMLINK : FileType.FILE;
  const typeBits = f.type === 'DIRECTORY' ? GO_MODE_DIR : f.type === 'SYMLINK' ? GO_MODE_SYMLINK : 0;
  return {
    name: f.path === '/' ? '/' : f.path.slice(f.path.lastIndexOf('/') + 1),
    type, path: f.path, size: BigInt(f.size), mode: (typeBits | (f.mode & 0o7777)) >>> 0,
    permissions: permissionString(f), owner: ownerName(f.uid), group: ownerName(f.gid),
    modifiedTime: timestampFromMs(f.modifiedAt),
    ...(f.type === 'SYMLINK' ? { symlinkTarget: f.linkTarget } : {}),
  };
}

/** ls -l's mode string, as Go's FileMode.String() gives it ("drwxr-xr-x", "-rw-r--r--"). */
function permissionString(f: FileInfo): string {
  const kind = f.type === 'DIRECTORY' ? 'd' : f.type === 'SYMLINK' ? 'L' : '-';
  let s = '';
  for (let i = 8; i >= 0; i--) s += (f.mode >> i) & 1 ? 'rwx'[(8 - i) % 3] : '-';
  return kind + s;
}

/** The sandbox's user is uid 1000 inside ("user"); 0 is the (capability-less) root of its namespace. */
function ownerName(id: number): string {
  return id === 1000 ? 'user' : id === 0 ? 'root' : String(id);
}
