// The escape suite's probes: one Python script that tries every door a sandbox must find shut and prints
// "NAME RESULT" per probe (an errno name, "ok", or what it read), so that the same probes run as a process
// bwrap started, through Exec.Run and on a terminal, and the test compares one table.
export const PROBE_SCRIPT = String.raw`
import ctypes, errno, os, socket, stat, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def arg(a):
    if isinstance(a, bytes): return ctypes.c_char_p(a)
    if isinstance(a, int): return ctypes.c_long(a)
    return a
def sc(nr, *args):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[arg(a) for a in args])
    return 'ok' if r >= 0 else errno.errorcode[ctypes.get_errno()]
def out(name, res): print('PROBE %s %s' % (name, res), flush=True)
def attempt(name, fn):
    try:
        fn(); out(name, 'ok')
    except OSError as e:
        out(name, errno.errorcode.get(e.errno, str(e.errno)))
def read(name, path):
    try:
        with open(path, 'rb') as f: data = f.read(4096)
        out(name, 'empty' if not data else 'read')
    except OSError as e:
        out(name, errno.errorcode.get(e.errno, str(e.errno)))
def clone_flags(name, flags):
    pid = libc.syscall(ctypes.c_long(56), ctypes.c_long(flags | 17), ctypes.c_long(0), ctypes.c_long(0), ctypes.c_long(0), ctypes.c_long(0))
    if pid == 0: os._exit(0)
    if pid < 0: return out(name, errno.errorcode[ctypes.get_errno()])
    os.waitpid(pid, 0); out(name, 'ok')
host_pid, host_file = int(sys.argv[1]), sys.argv[2]
status = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines() if ':' in l)
out('seccomp-mode', status['Seccomp'].strip())
out('no-new-privs', status['NoNewPrivs'].strip())
out('unshare-user', sc(272, 0x10000000))
out('unshare-mount', sc(272, 0x20000))
out('unshare-net', sc(272, 0x40000000))
clone_flags('clone-newuser', 0x10000000)
clone_flags('clone-newns', 0x20000)
out('clone3', sc(435, 0, 0))
out('setns', sc(308, -1, 0))
out('mount', sc(165, b'none', b'/tmp', b'tmpfs', 0, 0))
out('umount', sc(166, b'/tmp', 0))
out('pivot-root', sc(155, b'/tmp', b'/tmp'))
out('keyctl', sc(250, 0, -3, 1))
out('add-key', sc(248, b'user', b'godel', b'x', 1, -3))
out('bpf', sc(321, 0, 0, 0))
out('perf-event-open', sc(298, 0, 0, -1, -1, 0))
out('init-module', sc(175, 0, 0, b''))
out('finit-module', sc(313, -1, b'', 0))
out('kexec-load', sc(246, 0, 0, 0, 0))
out('io-uring-setup', sc(425, 1, 0))
out('userfaultfd', sc(323, 0))
ts = (ctypes.c_long * 2)(0, 0)
out('clock-settime', sc(227, 0, ctypes.byref(ts)))
out('settimeofday', sc(164, ctypes.byref(ts), 0))
out('personality-exec', sc(135, 0x0400000))
out('personality-query', sc(135, 0xffffffff))
out('swapon', sc(167, b'/tmp/x', 0))
out('reboot', sc(169, 0xfee1dead, 672274793, 0x4321fedc, 0))
out('ptrace-unseen', sc(101, 16, host_pid, 0, 0))
attempt('kill-unseen', lambda: os.kill(host_pid, 0))
attempt('raw-socket', lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close())
attempt('packet-socket', lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0).close())
attempt('vsock-socket', lambda: socket.socket(40, socket.SOCK_STREAM, 0).close())
attempt('mknod', lambda: os.mknod('/tmp/godel-probe-null', stat.S_IFCHR | 0o666, os.makedev(1, 3)))
read('proc-kcore', '/proc/kcore')
read('proc-keys', '/proc/keys')
read('proc-timer-list', '/proc/timer_list')
read('proc-interrupts', '/proc/interrupts')
read('etc-shadow', '/etc/shadow')
read('host-etc-file', host_file)
attempt('write-proc-sys', lambda: open('/proc/sys/kernel/hostname', 'w').write('x'))
attempt('write-sysrq', lambda: open('/proc/sysrq-trigger', 'w').write('h'))
attempt('ls-sys-firmware', lambda: os.listdir('/sys/firmware'))
out('done', 'yes')
`;

/** What a default sandbox must answer, probe by probe. A refused call fails with EPERM, never a kill. */
export const SHUT: Record<string, string | RegExp> = {
  'seccomp-mode': '2', 'no-new-privs': '1',
  'unshare-user': 'EPERM', 'unshare-mount': 'EPERM', 'unshare-net': 'EPERM', 'clone-newuser': 'EPERM', 'clone-newns': 'EPERM',
  // ENOSYS, as in Docker: libc then falls back to clone, whose flags the filter can read.
  clone3: 'ENOSYS', setns: 'EPERM', mount: 'EPERM', umount: 'EPERM', 'pivot-root': 'EPERM',
  keyctl: 'EPERM', 'add-key': 'EPERM', bpf: 'EPERM', 'perf-event-open': 'EPERM', 'init-module': 'EPERM', 'finit-module': 'EPERM',
  'kexec-load': 'EPERM', 'io-uring-setup': 'EPERM', userfaultfd: 'EPERM', 'clock-settime': 'EPERM', settimeofday: 'EPERM',
  'personality-exec': 'EPERM', 'personality-query': 'ok', swapon: 'EPERM', reboot: 'EPERM',
  // The host's processes are not in the sandbox's pid namespace: nothing to attach to or signal.
  'ptrace-unseen': 'ESRCH', 'kill-unseen': 'ESRCH',
  'raw-socket': 'EPERM', 'packet-socket': 'EPERM', 'vsock-socket': 'EPERM', mknod: 'EPERM',
  // Absent on kernels without it, masked (empty) where it exists.
  'proc-kcore': /^(ENOENT|empty)$/, 'proc-keys': /^(ENOENT|empty)$/, 'proc-timer-list': /^(ENOENT|empty)$/, 'proc-interrupts': /^(ENOENT|empty)$/,
  'etc-shadow': 'ENOENT', 'host-etc-file': 'ENOENT',
  'write-proc-sys': /^(EACCES|EROFS|EPERM)$/, 'write-sysrq': /^(ENOENT|EACCES|EROFS|EPERM)$/, 'ls-sys-firmware': 'ENOENT',
  done: 'yes',
};

/** The probes' answers, parsed from output (a terminal's \r\n included). */
export function probeResults(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^PROBE (\S+) (\S+)\r?$/gm)) out[m[1]!] = m[2]!;
  return out;
}

/** The argv that runs the probes: a host pid the sandbox must not reach, and a host file under /etc. */
export function probeArgv(hostPid: number, hostFile: string): string[] {
  return ['/usr/bin/python3', '-c', PROBE_SCRIPT, String(hostPid), hostFile];
}
