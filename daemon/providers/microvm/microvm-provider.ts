// The `microvm` provider: each sandbox is a QEMU `microvm` guest (KVM when it works on this host,
// software emulation otherwise) booted from the project's guest image (scripts/build-image.sh) with a
// writable qcow2 overlay of its own over the read-only root image. Commands, files and sessions go
// through the guest agent on a virtio-serial port. QEMU runs daemonized, as the unprivileged sandbox
// user, so VMs outlive the daemon and are adopted again (the agent's socket is reconnected) after a restart.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, accessSync, constants as fsConstants } from 'node:fs';
import { join } from 'node:path';
import { setPriority } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MicrovmProviderConfig, TemplateSpec } from '../../config/config.js';
import { GodelError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ProviderHandle } from '../../store/store.js';
import type { BootRequest, Capability, ExecRequest, Provider, ProviderStatus, RunningCommand } from '../provider.js';
import { findExecutable, readStartTime } from '../process/procfs.js';
import { AgentClient } from './agent-client.js';

/** Under TCG a cold boot takes seconds; a guest that is not up by then never will be. */
const BOOT_TIMEOUT_MS = 90_000;
const DEFAULT_MEMORY_MIB = 512;
const BACKGROUND_NICE = 10;
const IMAGE_FILES = ['vmlinuz', 'initrd.img', 'rootfs.img'];

export interface MicrovmProviderOptions {
  vmsDir: string;
  imageDir: string;
  config: MicrovmProviderConfig;
  /** Host uid/gid QEMU runs as when the daemon is root. */
  uid: number;
  gid: number;
  log: Logger;
}

function run(cmd: string, args: string[], opts: { uid?: number; gid?: number } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
    p.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', (err) => reject(new GodelError('PROVIDER_FAILED', `cannot run ${cmd}: ${err.message}`)));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new GodelError('PROVIDER_FAILED', `${cmd} failed: ${stderr.trim()}`))));
  });
}

/** KVM only where the host's module is a real one: this kind of host loads kvm_pvm, under which guests hang. */
export function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', fsConstants.R_OK | fsConstants.W_OK);
  } catch {
    return false;
  }
  return existsSync('/sys/module/kvm_intel') || existsSync('/sys/module/kvm_amd');
}

export class MicrovmProvider implements Provider {
  readonly name = 'microvm';
  readonly capabilities: readonly Capability[] = ['exec'];
  private readonly qemu = findExecutable('qemu-system-x86_64');
  private readonly qemuImg = findExecutable('qemu-img');
  private readonly agents = new Map<string, AgentClient>();
  private readonly isRoot = process.getuid?.() === 0;
  readonly accel: 'kvm' | 'tcg';

  constructor(private readonly opts: MicrovmProviderOptions) {
    mkdirSync(opts.vmsDir, { recursive: true, mode: 0o711 });
    this.accel = opts.config.accel === 'auto' ? (kvmUsable() ? 'kvm' : 'tcg') : opts.config.accel;
  }

  status(): ProviderStatus {
    if (!this.qemu || !this.qemuImg) return { available: false, message: 'QEMU is missing on this host (Debian packages qemu-system-x86 and qemu-utils)' };
    const missing = IMAGE_FILES.filter((f) => !existsSync(join(this.opts.imageDir, f)));
    if (missing.length) {
      return { available: false, message: `the guest image is missing in ${this.opts.imageDir} (${missing.join(', ')}): build it with npm run image -- ${this.opts.imageDir}` };
    }
    return { available: true, message: `${this.accel}, image ${this.opts.imageDir}` };
  }

  async boot({ id, spec, background }: BootRequest): Promise<ProviderHandle> {
    const st = this.status();
    if (!st.available) throw new GodelError('PROVIDER_UNAVAILABLE', `the microvm provider cannot run: ${st.message}`);
    const dir = this.vmDir(id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let pid = 0;
    try {
      const overlay = join(dir, 'overlay.qcow2');
      await run(this.qemuImg!, ['create', '-q', '-f', 'qcow2', '-b', join(this.opts.imageDir, 'rootfs.img'), '-F', 'raw', overlay]);
      if (this.isRoot) {
        chownSync(dir, this.opts.uid, this.opts.gid);
        chownSync(overlay, this.opts.uid, this.opts.gid);
      }
      // -daemonize: QEMU detaches (its own session, reparented) once the VM is set up; the launcher's exit
      // status says whether it started.
      await run(this.qemu!, this.qemuArgs(id, spec), this.isRoot ? { uid: this.opts.uid, gid: this.opts.gid } : {});
      pid = Number(readFileSync(join(dir, 'vm.pid'), 'utf8').trim());
      const startTime = readStartTime(pid);
      if (!startTime) throw new GodelError('PROVIDER_FAILED', `QEMU exited right after starting: ${this.console(id)}`);
      if (background) setPriorityQuietly(pid, BACKGROUND_NICE);
      const handle: ProviderHandle = { pid, startTime, id };
      await this.agent(id).waitReady(BOOT_TIMEOUT_MS, () => this.isAlive(handle)).catch((err: unknown) => {
        throw new GodelError('PROVIDER_FAILED', `${(err as Error).message}; the guest's console: ${this.console(id)}`);
      });
      return handle;
    } catch (err) {
      this.forget(id);
      if (pid) killQuietly(pid);
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** At handoff from the pool: full priority again, the host's clock, and fresh entropy. */
  async handedOut(id: string, handle: ProviderHandle): Promise<void> {
    setPriorityQuietly(Number(handle.pid), 0);
    await this.agent(id).sync(randomBytes(64));
  }

  isAlive(handle: ProviderHandle): boolean {
    const pid = Number(handle.pid);
    return pid > 0 && readStartTime(pid) === Number(handle.startTime);
  }

  exec(handle: ProviderHandle, req: ExecRequest): RunningCommand {
    return this.agent(String(handle.id)).exec(req);
  }

  async stop(id: string, handle: ProviderHandle | undefined): Promise<void> {
    this.forget(id);
    const pid = handle ? Number(handle.pid) : this.pidFromFile(id);
    if (pid && (handle ? this.isAlive(handle) : this.isOurQemu(pid, id))) {
      killQuietly(pid);
      for (let i = 0; i < 400 && readStartTime(pid) !== undefined; i++) await sleep(5);
    }
  }

  async destroy(id: string, handle: ProviderHandle | undefined): Promise<void> {
    await this.stop(id, handle);
    rmSync(this.vmDir(id), { recursive: true, force: true });
  }

  async reapOrphans(knownIds: ReadonlySet<string>): Promise<string[]> {
    const reaped: string[] = [];
    for (const id of readdirSync(this.opts.vmsDir)) {
      if (knownIds.has(id)) continue;
      await this.destroy(id, undefined);
      reaped.push(id);
    }
    return reaped;
  }

  private qemuArgs(id: string, spec: TemplateSpec): string[] {
    const dir = this.vmDir(id);
    const img = this.opts.imageDir;
    const memoryMib = Math.floor((spec.limits?.memoryBytes ?? DEFAULT_MEMORY_MIB * 2 ** 20) / 2 ** 20);
    const cpus = Math.max(1, Math.ceil(spec.limits?.cpus ?? 1));
    return [
      '-name', id, '-M', 'microvm,acpi=on,rtc=on', '-accel', this.accel, '-cpu', this.accel === 'kvm' ? 'host' : 'max',
      '-m', String(memoryMib), '-smp', String(cpus), '-nodefaults', '-no-user-config', '-display', 'none',
      '-kernel', join(img, 'vmlinuz'), '-initrd', join(img, 'initrd.img'), '-append', 'console=ttyS0 quiet panic=-1 reboot=t',
      '-serial', `file:${join(dir, 'console.log')}`,
      '-drive', `id=root,file=${join(dir, 'overlay.qcow2')},format=qcow2,if=none,cache=unsafe`, '-device', 'virtio-blk-device,drive=root',
      '-device', 'virtio-serial-device', '-chardev', `socket,id=agent,path=${join(dir, 'agent.sock')},server=on,wait=off`,
      '-device', 'virtserialport,chardev=agent,name=godel.agent',
      '-object', 'rng-random,id=rng,filename=/dev/urandom', '-device', 'virtio-rng-device,rng=rng',
      '-qmp', `unix:${join(dir, 'qmp.sock')},server=on,wait=off`,
      '-daemonize', '-pidfile', join(dir, 'vm.pid'),
    ];
  }

  private agent(id: string): AgentClient {
    let a = this.agents.get(id);
    if (!a) {
      a = new AgentClient(join(this.vmDir(id), 'agent.sock'));
      this.agents.set(id, a);
    }
    return a;
  }

  private forget(id: string): void {
    this.agents.get(id)?.close();
    this.agents.delete(id);
  }

  private vmDir(id: string): string {
    return join(this.opts.vmsDir, id);
  }

  private pidFromFile(id: string): number {
    try {
      return Number(readFileSync(join(this.vmDir(id), 'vm.pid'), 'utf8').trim()) || 0;
    } catch {
      return 0; // QEMU never got as far as writing it.
    }
  }

  /** A pid file can outlive its process: only a QEMU whose command line names this VM's directory is killed. */
  private isOurQemu(pid: number, id: string): boolean {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.vmDir(id));
    } catch {
      return false;
    }
  }

  private console(id: string): string {
    try {
      const text = readFileSync(join(this.vmDir(id), 'console.log'), 'utf8').trim();
      return text ? text.split('\n').slice(-5).join(' | ') : 'empty';
    } catch {
      return 'none';
    }
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function setPriorityQuietly(pid: number, nice: number): void {
  try {
    setPriority(pid, nice);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
