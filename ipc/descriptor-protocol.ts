// The daemon socket's second protocol, beside gRPC: a client exchanges a ticket from Files.Open for the
// lent file's descriptor. It connects, sends one request line, and reads one reply line: "OK" with the
// descriptor attached (SCM_RIGHTS), or "ERR <godel-error-code> <message>". The daemon tells such a
// connection from a gRPC one by its first byte: an HTTP/2 client's first bytes are "PRI * HTTP/2.0".
export const DESCRIPTOR_REQUEST_PREFIX = 'GODEL-FD/1 ';
/** A request line is the prefix, a ticket and a newline: never longer than this. */
export const DESCRIPTOR_REQUEST_MAX = 256;

export function descriptorRequest(ticket: string): string {
  return `${DESCRIPTOR_REQUEST_PREFIX}${ticket}\n`;
}

/** The ticket of a request line, or undefined when the line is not a request. */
export function ticketOf(line: string): string | undefined {
  if (!line.startsWith(DESCRIPTOR_REQUEST_PREFIX)) return undefined;
  const ticket = line.slice(DESCRIPTOR_REQUEST_PREFIX.length).trim();
  return /^[A-Za-z0-9_-]{16,128}$/.test(ticket) ? ticket : undefined;
}

export function descriptorReplyOk(): string {
  return 'OK\n';
}

export function descriptorReplyError(code: string, message: string): string {
  return `ERR ${code} ${message.replace(/[\r\n]+/g, ' ')}\n`;
}

export type DescriptorReply = { ok: true } | { ok: false; code: string; message: string };

export function parseDescriptorReply(reply: string): DescriptorReply {
  const line = reply.split('\n')[0]!;
  if (line === 'OK') return { ok: true };
  const m = /^ERR ([A-Z_]+) ?(.*)$/.exec(line);
  if (m) return { ok: false, code: m[1]!, message: m[2]! };
  return { ok: false, code: 'INTERNAL', message: line ? `an unexpected reply from godeld: ${line.slice(0, 100)}` : 'godeld closed the connection without a reply' };
}
