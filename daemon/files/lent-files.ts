// The tickets of files lent to clients (Files.Open). A ticket names one open file's descriptor, owned by
// its Open call; a client exchanges the ticket for the descriptor once, within TICKET_TTL_MS, and only
// a client of the uid that opened it (or root) may. Tickets are random, so one cannot be guessed, and
// nothing is kept past their use: the call that owns the descriptor closes it.
import { randomBytes } from 'node:crypto';
import { GodelError } from '../errors.js';

export const TICKET_TTL_MS = 30_000;
/** Files lent at once (open Files.Open calls), each holding a descriptor in the daemon. */
export const MAX_LENT_FILES = 256;

interface Ticket {
  fd: number;
  uid: number;
  timer: NodeJS.Timeout;
}

export class LentFiles {
  private readonly tickets = new Map<string, Ticket>();
  private lent = 0;

  /** Counts a file about to be lent; the returned function ends the count (idempotent). */
  reserve(): () => void {
    if (this.lent >= MAX_LENT_FILES) {
      throw new GodelError('TOO_MANY_OPEN_FILES', `${MAX_LENT_FILES} files are lent already; close one (end its Files.Open call) first`);
    }
    this.lent++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.lent--;
    };
  }

  get count(): number {
    return this.lent;
  }

  /** A ticket for `fd`, which its caller keeps owning, for a client of `uid`. */
  issue(fd: number, uid: number): string {
    const ticket = randomBytes(24).toString('base64url');
    const timer = setTimeout(() => this.tickets.delete(ticket), TICKET_TTL_MS);
    timer.unref();
    this.tickets.set(ticket, { fd, uid, timer });
    return ticket;
  }

  /** Takes a ticket back, used or not (its Open call is over). */
  withdraw(ticket: string): void {
    const t = this.tickets.get(ticket);
    if (!t) return;
    clearTimeout(t.timer);
    this.tickets.delete(ticket);
  }

  /** Exchanges a ticket for its descriptor, once: the caller sends it on at once and does not close it. */
  collect(ticket: string, uid: number): number {
    const t = this.tickets.get(ticket);
    // One answer for unknown, expired, used and someone else's: a ticket's existence is not given away.
    if (!t || (uid !== 0 && uid !== t.uid)) {
      throw new GodelError('TICKET_NOT_FOUND', 'no such ticket: it is unknown, expired (30 s), already used, or was issued to another user');
    }
    this.withdraw(ticket);
    return t.fd;
  }

  close(): void {
    for (const ticket of [...this.tickets.keys()]) this.withdraw(ticket);
  }
}
