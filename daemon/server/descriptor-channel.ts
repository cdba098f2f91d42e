// The daemon's end of the descriptor protocol (ipc/descriptor-protocol.ts): a connection that asks for a
// lent file by its ticket gets the file's descriptor attached to "OK", or an "ERR" line, and is closed.
import type { Socket } from 'node:net';
import { DESCRIPTOR_REQUEST_MAX, descriptorReplyError, descriptorReplyOk, ticketOf } from '../../ipc/descriptor-protocol.js';
import type { UnixAddon } from '../../ipc/unix-addon.js';
import { GodelError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Peer } from './peers.js';

/** How long a client has to send its request line once connected. */
const REQUEST_TIMEOUT_MS = 5000;

export type CollectLent = (ticket: string, uid: number) => number;

/** Serves one descriptor request on `sock`, whose first bytes `head` were already read. */
export function serveDescriptorRequest(sock: Socket, head: Buffer, peer: Peer | undefined, collect: CollectLent, addon: UnixAddon, log: Logger): void {
  let buffered = head;
  const timer = setTimeout(() => reply(descriptorReplyError('INVALID_ARGUMENT', 'no request line in time')), REQUEST_TIMEOUT_MS);
  /** The request line is in (or never will be): nothing more is read. */
  const stopReading = (): void => {
    clearTimeout(timer);
    sock.off('readable', onReadable);
  };
  const reply = (line: string): void => {
    stopReading();
    hangUp(line);
  };
  /** Ends the exchange; a client that then neither reads nor hangs up is cut off. */
  const hangUp = (line?: string): void => {
    sock.setTimeout(REQUEST_TIMEOUT_MS, () => sock.destroy());
    if (line === undefined) sock.end();
    else sock.end(line);
  };
  const answer = (line: string): void => {
    const ticket = ticketOf(line);
    if (!ticket) return reply(descriptorReplyError('INVALID_ARGUMENT', 'expected "GODEL-FD/1 <ticket>"'));
    if (!peer?.allowed) return reply(descriptorReplyError('PEER_NOT_ALLOWED', 'only root and members of the socket\'s group may use godeld'));
    let fd: number;
    try {
      fd = collect(ticket, peer.uid);
    } catch (err) {
      if (!(err instanceof GodelError)) {
        log.error({ err }, 'unexpected failure serving a descriptor request');
        return reply(descriptorReplyError('INTERNAL', 'internal error in godeld; see its log'));
      }
      log.info({ uid: peer.uid, pid: peer.pid, code: err.code }, 'refused a descriptor request');
      return reply(descriptorReplyError(err.code, err.message));
    }
    stopReading();
    const socketFd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd;
    try {
      if (socketFd === undefined || socketFd < 0) throw new Error('the connection has no file descriptor');
      // The descriptor is the loan's own, which its Open call closes: the kernel gives the client a copy.
      addon.sendDescriptor(socketFd, fd, descriptorReplyOk());
      log.debug({ uid: peer.uid, pid: peer.pid }, 'lent a file descriptor');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'cannot send a lent file descriptor');
      sock.destroy();
      return;
    }
    hangUp();
  };
  function onReadable(): void {
    let chunk: Buffer | null;
    while ((chunk = sock.read() as Buffer | null) !== null) buffered = Buffer.concat([buffered, chunk]);
    check();
  }
  function check(): void {
    const nl = buffered.indexOf(0x0a);
    if (nl >= 0) answer(buffered.subarray(0, nl).toString('latin1'));
    else if (buffered.length > DESCRIPTOR_REQUEST_MAX) reply(descriptorReplyError('INVALID_ARGUMENT', 'the request line is too long'));
  }
  sock.on('readable', onReadable);
  sock.once('close', () => clearTimeout(timer));
  check();
}
