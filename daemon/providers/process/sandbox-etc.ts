// A process sandbox's own /etc: the few files that describe the sandbox (its user, its hostname, its name
// servers) written for it, and from the host only what programs need to run. The host's /etc holds its
// users, its hosts, and whatever an operator left world-readable there; none of that is the sandbox's
// business. A template that lists /etc in host_paths gets the host's instead (and this is not used).
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { NetworkMode } from '../../config/config.js';
import { isAllowList } from '../../egress/policy.js';

/**
 * Host entries of /etc that a sandbox sees, read-only: the dynamic linker's cache and configuration, CA
 * certificates, Debian's alternatives, the timezone, the protocol and service tables, locale aliases,
 * shell start-up files, and the system-wide settings of the tools a sandbox is for (Python, Perl, git,
 * gdb, pip, npm). Entries this host lacks are skipped.
 */
export const HOST_ETC_ENTRIES: readonly (string | RegExp)[] = [
  'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'alternatives',
  'ssl', 'ca-certificates', 'ca-certificates.conf', 'pki',
  'localtime', 'timezone',
  'protocols', 'services', 'ethertypes', 'rpc', 'gai.conf', 'host.conf', 'mime.types', 'magic', 'magic.mime',
  'locale.alias', 'locale.conf',
  'os-release', 'debian_version', 'shells', 'profile', 'profile.d', 'bash.bashrc', 'inputrc',
  'python3', /^python3\.\d+$/, 'perl', 'gitconfig', 'gdb', 'pip.conf', 'npmrc', 'terminfo', 'mke2fs.conf',
];

/** One entry of the sandbox's /etc: a file written for it, a host file bound read-only, or a symbolic link. */
export type EtcEntry = { name: string; text: string } | { name: string; hostPath: string } | { name: string; symlink: string };

export interface SandboxIdentity {
  hostname: string;
  network: NetworkMode;
  uid: number;
  gid: number;
  home: string;
}

/**
 * The name servers of a sandbox, by its network mode. Each mode decides for itself: a mode added later
 * (a filtering proxy, say) says here what its sandboxes resolve names with.
 */
export function resolvConf(network: NetworkMode, hostResolvConf = '/etc/resolv.conf'): string {
  if (isAllowList(network)) {
    // Programs reach the allowed hosts through HTTP(S)_PROXY and ALL_PROXY, and the egress proxy resolves
    // the names (checking every address it gets): there is no name server a sandbox could ask directly.
    return '# Names are resolved by godel\'s egress proxy (network: an allow list), through HTTP_PROXY/HTTPS_PROXY/ALL_PROXY; no name servers here.\n';
  }
  switch (network) {
    case 'none':
      return '# This sandbox has no network (network: none), so no name servers.\n';
    case 'host':
      // The host's network namespace, so the host's resolvers (a local stub at 127.0.0.53 included) answer.
      try {
        return readFileSync(hostResolvConf, 'utf8');
      } catch {
        return '# The host has no /etc/resolv.conf.\n';
      }
    default: {
      const unknown: never = network;
      throw new Error(`no resolv.conf for network mode ${String(unknown)}`);
    }
  }
}

/** The files that describe the sandbox. */
export function generatedEtc(who: SandboxIdentity): EtcEntry[] {
  const shell = existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
  return [
    { name: 'passwd', text: `root:x:0:0:root:/root:/usr/sbin/nologin\nuser:x:${who.uid}:${who.gid}:sandbox user:${who.home}:${shell}\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n` },
    { name: 'group', text: `root:x:0:\nuser:x:${who.gid}:\nnogroup:x:65534:\n` },
    { name: 'hostname', text: `${who.hostname}\n` },
    { name: 'hosts', text: `127.0.0.1\tlocalhost\n127.0.1.1\t${who.hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n` },
    { name: 'resolv.conf', text: resolvConf(who.network) },
    // Only files: the host's may name NSS modules (LDAP, systemd) whose data is not here.
    { name: 'nsswitch.conf', text: 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\nethers: files\nrpc: files\n' },
    { name: 'mtab', symlink: '../proc/self/mounts' },
  ];
}

/** The host's entries of HOST_ETC_ENTRIES present on this host, symbolic links kept as links. */
export function hostEtc(etc = '/etc'): EtcEntry[] {
  let names: string[];
  try {
    names = readdirSync(etc);
  } catch {
    return [];
  }
  const wanted = names.filter((n) => HOST_ETC_ENTRIES.some((e) => (typeof e === 'string' ? e === n : e.test(n)))).sort();
  return wanted.map((name) => {
    const path = `${etc}/${name}`;
    return lstatSync(path).isSymbolicLink() ? { name, symlink: readlinkSync(path) } : { name, hostPath: path };
  });
}

let hostEntries: EtcEntry[] | undefined;

/**
 * bwrap arguments that build the sandbox's /etc, and the descriptors they read (numbered from firstFd):
 * each written file is a pipe the launcher fills, so that a boot writes nothing to disk. The host's list
 * is read once per daemon: an entry added to the host's /etc later shows from the next start.
 */
export function sandboxEtcArgs(who: SandboxIdentity, firstFd: number): { args: string[]; fds: Array<{ fd: number; data: string }> } {
  hostEntries ??= hostEtc();
  const args = ['--dir', '/etc'];
  const fds: Array<{ fd: number; data: string }> = [];
  for (const e of [...hostEntries, ...generatedEtc(who)]) {
    const dest = `/etc/${e.name}`;
    if ('text' in e) {
      const fd = firstFd + fds.length;
      fds.push({ fd, data: e.text });
      args.push('--perms', '0644', '--file', String(fd), dest);
    } else if ('symlink' in e) {
      args.push('--symlink', e.symlink, dest);
    } else {
      args.push('--ro-bind', e.hostPath, dest);
    }
  }
  return { args, fds };
}
