// Which seccomp filter a process sandbox gets. The filters are BPF programs compiled at build time from
// policy.txt (beside this file) by godel-seccomp-gen.c into dist/native; bwrap loads one for the sandbox's
// own processes (--seccomp FD) and godel-exec loads the same file for every command that enters it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSpec } from '../../../config/config.js';

const NATIVE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'native');

/**
 * `default`: every call in policy.txt refused; `default-userns`: the same, less the namespace and mount
 * calls that a template with nested user namespaces exists to make; `unconfined`: no filter at all.
 */
export type SeccompProfile = 'default' | 'default-userns' | 'unconfined';

export function seccompProfile(spec: Pick<TemplateSpec, 'seccomp' | 'nestedUserNamespaces'>): SeccompProfile {
  if (spec.seccomp === 'unconfined') return 'unconfined';
  return spec.nestedUserNamespaces ? 'default-userns' : 'default';
}

/** The compiled filter of a profile; undefined for `unconfined`. */
export function seccompFilterFile(profile: SeccompProfile): string | undefined {
  return profile === 'unconfined' ? undefined : join(NATIVE, `seccomp-${profile}.bpf`);
}
