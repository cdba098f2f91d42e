// Files service handlers: validate paths, call the file manager, stream bytes with backpressure.
import { status as grpcStatus, type ServerDuplexStream, type ServerReadableStream, type ServerWritableStream, type handleBidiStreamingCall, type handleClientStreamingCall } from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY } from '../../../ipc/errors.js';
import type { Readable, Writable } from 'node:stream';
import type { FilesHandlers } from '../../../ipc/generated/godel/v1/Files.js';
import type { FileChunk } from '../../../ipc/generated/godel/v1/FileChunk.js';
import type { FileInfo as FileInfoMessage } from '../../../ipc/generated/godel/v1/FileInfo.js';
import type { OpenFileRequest__Output } from '../../../ipc/generated/godel/v1/OpenFileRequest.js';
import type { OpenFileResponse } from '../../../ipc/generated/godel/v1/OpenFileResponse.js';
import { GodelError } from '../../errors.js';
import { LIST_LIMITS, type FileInfo, type FileManager, type Loan, type Outgoing, type WriteModeName } from '../../files/file-manager.js';
import type { Observer } from '../observer.js';
import { validateId, validateFilePath } from '../../validation.js';
import { millisOf, timestamp } from '../convert.js';
import { serverStream, toServiceError, unary } from '../respond.js';

/** Target size of each outgoing chunk message. */
const OUTPUT_MESSAGE_BYTES = 1024 * 1024;

export function filesHandlers(files: FileManager, obs: Observer, shutdown: AbortSignal): FilesHandlers {
  return {
    Read: serverStream(obs, 'Files.Read', async (call: ServerWritableStream<{ sandboxId: string; path: string; offset: number; length: number }, FileChunk>) => {
      const r = call.request;
      await streamOut(call, await files.read(validateId(r.sandboxId), validateFilePath(r.path), r.offset, r.length));
    }, (r) => r.sandboxId),

    GetArchive: serverStream(obs, 'Files.GetArchive', async (call: ServerWritableStream<{ sandboxId: string; path: string }, FileChunk>) => {
      const r = call.request;
      await streamOut(call, await files.getArchive(validateId(r.sandboxId), validateFilePath(r.path)));
    }, (r) => r.sandboxId),

    Write: clientStream(obs, 'Files.Write', (first) => first.header?.sandboxId, async (first, rest) => {
      const h = first.header;
      if (!h) throw new GodelError('EXPECTED_HEADER', 'the first message of Write must be the header');
      if (h.permissions > 0o7777) throw new GodelError('INVALID_ARGUMENT', 'permissions must be at most 07777');
      const w = await files.write(validateId(h.sandboxId), validateFilePath(h.path), h.mode as WriteModeName, h.permissions, h.atomic);
      const bytes = await streamIn(rest, w.input, w.cancel);
      await w.done;
      return { bytesWritten: bytes };
    }),

    PutArchive: clientStream(obs, 'Files.PutArchive', (first) => first.header?.sandboxId, async (first, rest) => {
      const h = first.header;
      if (!h) throw new GodelError('EXPECTED_HEADER', 'the first message of PutArchive must be the header');
      const p = await files.putArchive(validateId(h.sandboxId), validateFilePath(h.path));
      await streamIn(rest, p.input, p.cancel);
      const stats = await p.done;
      return { entries: stats.entries, bytes: stats.bytes };
    }),

    Open: openFile(files, obs),

    Stat: unary(obs, 'Files.Stat', async (r) => toInfo(await files.stat(validateId(r.sandboxId), validateFilePath(r.path))), (r) => r.sandboxId),

    List: unary(obs, 'Files.List', async (r) => {
      const depth = r.depth || 1;
      if (depth > LIST_LIMITS.maxDepth) throw new GodelError('INVALID_ARGUMENT', `depth must be at most ${LIST_LIMITS.maxDepth}`);
      return { entries: (await files.list(validateId(r.sandboxId), validateFilePath(r.path), depth)).map(toInfo) };
    }, (r) => r.sandboxId),

    MakeDir: unary(obs, 'Files.MakeDir', async (r) => {
      if (r.permissions > 0o7777) throw new GodelError('INVALID_ARGUMENT', 'permissions must be at most 07777');
      await files.makeDir(validateId(r.sandboxId), validateFilePath(r.path), r.parents, r.permissions);
      return {};
    }, (r) => r.sandboxId),

    Remove: unary(obs, 'Files.Remove', async (r) => {
      await files.remove(validateId(r.sandboxId), validateFilePath(r.path), r.recursive);
      return {};
    }, (r) => r.sandboxId),

    Move: unary(obs, 'Files.Move', async (r) => {
      await files.move(validateId(r.sandboxId), validateFilePath(r.from), validateFilePath(r.to), r.overwrite);
      return {};
    }, (r) => r.sandboxId),

    Watch: serverStream(obs, 'Files.Watch', (call) => new Promise<void>((resolve, reject) => {
      const r = call.request;
      let stop: (() => void) | undefined;
      const end = (): void => { stop?.(); shutdown.removeEventListener('abort', end); resolve(); };
      files.watch(validateId(r.sandboxId), validateFilePath(r.path), (e) => {
        call.write({ type: e.type, path: e.path, from: e.from, fileType: e.isDir ? 'DIRECTORY' : 'REGULAR' });
      }, (err) => {
        shutdown.removeEventListener('abort', end);
        if (err) reject(err);
        else resolve();
      }).then((s) => {
        stop = s;
        // The watches are in place (file-manager's watch resolves once inotify says so).
        if (r.ready) call.write({ type: 'ready', path: r.path, from: '', fileType: 'DIRECTORY' });
        call.on('cancelled', end);
        shutdown.addEventListener('abort', end);
      }, reject);
    }), (r) => r.sandboxId),
  };
}

/**
 * Files.Open: the header lends the file and answers its ticket; `close`, or the end of the client's side,
 * ends the loan and answers the size. A client that goes away ends it without commit. The call owns
 * the loan, so no descriptor outlives it in the daemon.
 */
function openFile(files: FileManager, obs: Observer): handleBidiStreamingCall<OpenFileRequest__Output, OpenFileResponse> {
  const method = 'Files.Open';
  return (call: ServerDuplexStream<OpenFileRequest__Output, OpenFileResponse>) => {
    const started = Date.now();
    const peer = obs.peerOf(call);
    let sandbox: string | undefined;
    let loan: Loan | undefined;
    let over = false;
    const finish = (status: string, code?: string): void => {
      over = true;
      obs.request({ method, sandbox, peer, ms: Date.now() - started, status, code });
    };
    const fail = (err: unknown): void => {
      if (over) return;
      const e = toServiceError(err, obs.log, method);
      finish(grpcStatus[e.code!] ?? String(e.code), e.metadata?.get(ERROR_CODE_METADATA_KEY)[0] as string | undefined);
      if (!call.cancelled) call.emit('error', e);
    };
    /** Ends the loan, if one is open, once. */
    const close = async (commit: boolean, modifiedAt?: number): Promise<number> => {
      const l = loan;
      loan = undefined;
      return l ? l.close(commit, modifiedAt) : 0;
    };
    const abandon = (): Promise<void> => close(false).then(() => undefined, (err: unknown) => {
      obs.log.warn({ sandbox, err: (err as Error).message }, 'closing an abandoned open file failed');
    });
    let opened = false;
    let queue = Promise.resolve();
    const next = (step: () => Promise<void>): void => {
      queue = queue.then(async () => {
        if (!over && !call.cancelled) await step();
      }).catch(async (err: unknown) => {
        await abandon();
        fail(err);
      });
    };
    const closed = async (commit: boolean, modifiedAt?: number): Promise<void> => {
      const size = await close(commit, modifiedAt);
      finish('OK');
      call.write({ closed: { size } });
      call.end();
    };
    call.on('data', (msg: OpenFileRequest__Output) => next(async () => {
      if (opened) {
        if (!msg.close) throw new GodelError('INVALID_ARGUMENT', 'after the header, the only message of Open is `close`');
        await closed(msg.close.commit, millisOf(msg.close.modifiedAt));
        return;
      }
      const h = msg.header;
      if (!h) throw new GodelError('EXPECTED_HEADER', 'the first message of Open must be the header');
      opened = true;
      sandbox = h.sandboxId || undefined;
      if (h.permissions > 0o7777) throw new GodelError('INVALID_ARGUMENT', 'permissions must be at most 07777');
      const access = h.access as 'READ' | 'WRITE';
      loan = await files.lend(validateId(h.sandboxId), {
        access, path: validateFilePath(h.path), mode: h.mode as WriteModeName, permissions: h.permissions, atomic: h.atomic,
      }, peer?.uid ?? -1);
      if (call.cancelled) await abandon(); // The client went away while the file was being opened.
      else call.write({ ticket: { ticket: loan.ticket, size: loan.size } });
    }));
    call.on('end', () => next(async () => {
      if (!opened) throw new GodelError('EXPECTED_HEADER', 'the stream ended before its header');
      await closed(false);
    }));
    call.on('error', () => undefined); // The client's side failing is the same as it going away: see 'cancelled'.
    call.on('cancelled', () => {
      if (!over) finish('CANCELLED');
      queue = queue.then(abandon);
    });
  };
}

function toInfo(f: FileInfo): FileInfoMessage {
  return {
    path: f.path, type: f.type, size: f.size, mode: f.mode, modifiedAt: timestamp(f.modifiedAt), uid: f.uid, gid: f.gid, linkTarget: f.linkTarget,
  };
}

/** Streams bytes leaving the sandbox to the client in chunks; a failure at the source becomes the call's status. */
function streamOut(call: ServerWritableStream<unknown, FileChunk>, out: Outgoing): Promise<void> {
  return new Promise((resolve, reject) => {
    // Pipe reads come in 64 KiB pieces; sending them in ~1 MiB messages cuts the per-message cost of gRPC.
    let pending: Buffer[] = [];
    let size = 0;
    const flush = (): void => {
      const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, size);
      pending = [];
      size = 0;
      // The source keeps reading ahead while the client keeps up; it pauses only when gRPC's buffer is full.
      if (!call.write({ data })) {
        out.stream.pause();
        call.once('drain', () => out.stream.resume());
      }
    };
    call.on('cancelled', () => {
      out.cancel();
      resolve();
    });
    out.stream.on('data', (chunk: Buffer) => {
      pending.push(chunk);
      size += chunk.length;
      if (size >= OUTPUT_MESSAGE_BYTES) flush();
    });
    out.stream.on('end', () => {
      if (size) flush();
      out.done.then(resolve, reject);
    });
    out.stream.on('error', () => out.done.then(resolve, reject));
  });
}

/** Feeds the `data` parts of a client stream into a writable, pausing the call while it is full. */
function streamIn<T extends { data?: Buffer }>(call: Readable, into: Writable, cancel: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    call.on('data', (msg: T) => {
      const data = msg.data;
      if (!data) {
        cancel();
        reject(new GodelError('INVALID_ARGUMENT', 'only the first message may be a header'));
        return;
      }
      bytes += data.length;
      // Once the command has stopped reading (it failed early), the rest is drained and dropped: the
      // command's exit status carries the error.
      if (into.destroyed || into.writableEnded) return;
      if (!into.write(data)) {
        call.pause();
        into.once('drain', () => call.resume());
      }
    });
    into.once('close', () => call.resume());
    into.on('error', () => undefined); // Reported through the operation's own result.
    call.on('end', () => {
      if (!into.destroyed) into.end();
      resolve(bytes);
    });
    call.on('error', (err) => { cancel(); reject(err); });
    call.on('cancelled', () => { cancel(); reject(new GodelError('INVALID_ARGUMENT', 'the client went away before the end of its data')); });
    call.resume();
  });
}

/**
 * A client-streaming handler: the first message is passed on its own, the rest as a stream. A client
 * that goes away cancels the operation.
 */
function clientStream<Req, Res>(
  obs: Observer,
  method: string,
  sandboxOf: (first: Req) => string | undefined,
  fn: (first: Req, rest: Readable) => Promise<Res>,
): handleClientStreamingCall<Req, Res> {
  return (call: ServerReadableStream<Req, Res>, callback) => {
    const started = Date.now();
    const peer = obs.peerOf(call);
    let sandbox: string | undefined;
    let done = false;
    const reply = (err: unknown, res?: Res): void => {
      if (done) return;
      done = true;
      if (err) {
        const e = toServiceError(err, obs.log, method);
        obs.request({ method, sandbox, peer, ms: Date.now() - started, status: grpcStatus[e.code!] ?? String(e.code), code: e.metadata?.get(ERROR_CODE_METADATA_KEY)[0] as string | undefined });
        callback(e, null);
      } else {
        obs.request({ method, sandbox, peer, ms: Date.now() - started, status: 'OK' });
        callback(null, res);
      }
    };
    let gotFirst = false;
    call.once('data', (first: Req) => {
      gotFirst = true;
      sandbox = sandboxOf(first) || undefined;
      // Paused until `fn` attaches its own reader (see streamIn), so no chunk is lost in between.
      call.pause();
      fn(first, call).then((res) => reply(null, res), (err: unknown) => reply(err));
    });
    call.on('end', () => {
      if (!gotFirst) reply(new GodelError('EXPECTED_HEADER', 'the stream ended before its header'));
    });
    call.on('error', () => undefined); // A client going away: the operation is cancelled through its stream.
  };
}
