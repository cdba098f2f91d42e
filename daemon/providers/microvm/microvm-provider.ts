// The `microvm` provider: each sandbox is a QEMU `microvm` guest (KVM when it works on this host,
// software emulation otherwise) booted from the project's guest image (scripts/build-image.sh) with a
// writable qcow2 overlay of its own over the read-only root image. Commands, files and sessions go
// through the guest agent on a virtio-serial port. QEMU runs daemonized, as the unprivileged sandbox
// user, so VMs outlive the daemon and are adopted again (the agent's socket is reconnected) after a restart.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, chownSync, constants as fsConstants, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { release } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { MicrovmProviderConfig, TemplateSpec } from '../../config/config.js';
import { GodelError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ProviderHandle } from '../../store/store.js';
import type { BootPriority, BootRequest, Capability, ExecRequest, Provider, ProviderStatus, RunningCommand } from '../provider.js';
import { findExecutable, readStartTime, waitForExit } from '../process/procfs.js';
import { AgentClient } from './agent-client.js';
import { GODEL_LAUNCH, Launcher } from '../launch/launcher.js';
import { qmp } from './qmp.js';
import { AGENT_VERSION } from '../../../guest/protocol.js';
import { GATEWAY_PORTS, GATEWAY_PORT_NAME } from '../../../guest/port-mux.js';
import { servePortChannel } from './port-channel.js';
import { isAllowList } from '../../egress/policy.js';
import { VM_SOCKET } from '../../egress/protocol.js';

/** Under TCG a cold boot takes seconds; a guest that is not up by then never will be. */
const BOOT_TIMEOUT_MS = 90_000;
const RESTORE_TIMEOUT_MS = 30_000;
const SILENT_BOOT_MS = 15_000;
const SILENT_BOOT = 'the guest printed nothing on its console';
const DEFAULT_MEMORY_MIB = 512;
/** The autogroup nice of a refill's QEMU session: next to nothing while anything else wants the CPU. */
const IDLE_NICE = 19;
/** A moderate share (about a tenth of a nice-0 session's), for a restore its pool wants sooner. */
const LOW_NICE = 10;
const IMAGE_FILES = ['vmlinuz', 'initrd.img', 'rootfs.img'];
/**
 * QEMU's whole environment: it needs none of the daemon's, which holds the model providers' real API keys
 * (the gateway's), and QEMU runs as the sandbox user for the VM's whole life. PATH is for the `cat` that
 * its migration streams run through a shell.
 */
const QEMU_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin' };
/** The agent CLIs' read-only disk and what is on it (scripts/build-agents-image.sh), beside the image. */
const AGENTS_DISK = 'agents.img';
const AGENTS_MANIFEST = 'agents.json';
/** QEMU's end of a VM's gateway port, in the VM's directory: the daemon connects when an agent starts. */
const GATEWAY_SOCKET = 'gateway.sock';
/** The file that names a VM's machine (templateKey), in its directory and in every state saved of it. */
const MACHINE_KEY = 'machine-key';

/** The agents disk in an image directory: its manifest (part of the VM templates' key) and the CLIs on it. */
interface AgentsDisk {
  manifest: string;
  /** Space-separated runtime names (`pi claude codex`). */
  runtimes: string;
}

export interface MicrovmProviderOptions {
  vmsDir: string;
  /** Saved states of booted VMs, one per template shape, that new VMs are restored from. */
  templatesDir: string;
  imageDir: string;
  config: MicrovmProviderConfig;
  /** Host uid/gid QEMU runs as when the daemon is root. */
  uid: number;
  gid: number;
  log: Logger;
  /** Where the egress proxy's sockets for a sandbox with an allow list are (daemon/egress). */
  egressSocketDir?: (sandboxId: string) => string;
}

/** How long a KVM probe boot may take before KVM is taken not to work (it takes well under a second when it does). */
const KVM_PROBE_TIMEOUT_MS = 8000;
const GODEL_TSC_KHZ = join(dirname(GODEL_LAUNCH), 'godel-tsc-khz');
const execFileAsync = promisify(execFile);

/**
 * Whether KVM works here, found by booting the guest's kernel under it to the initramfs (which says
 * `godel-probe-ok` and powers off when the command line asks for the probe). /dev/kvm alone proves
 * nothing: some hosts (like this project's test machines, with kvm_pvm) have it, and stock guests
 * hang or QEMU aborts there. The answer is kept in the image directory, per host kernel and QEMU.
 */
/**
 * The host's TSC frequency in kHz (0 when it cannot be read here). Under TCG the guest's TSC is the host's,
 * and the guest kernel, left to calibrate it against the emulated PIT, fails to on a busy host and then hangs
 * before init with no clock that ticks (seen on every cold boot at a load average of 5 here): given
 * `tsc_early_khz` it never calibrates.
 */
async function measureTscKhz(log: Logger): Promise<number> {
  try {
    const { stdout } = await execFileAsync(GODEL_TSC_KHZ, [], { timeout: 5000, encoding: 'utf8' });
    const khz = Number(stdout.trim());
    if (Number.isSafeInteger(khz) && khz > 0) return khz;
    log.warn({ output: stdout.trim() }, 'cannot read the host\'s TSC frequency; TCG guests calibrate their own clock');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'cannot read the host\'s TSC frequency; TCG guests calibrate their own clock');
  }
  return 0;
}

export async function probeKvm(qemu: string, imageDir: string, uid: number | undefined, gid: number | undefined, log: Logger): Promise<boolean> {
  try {
    accessSync('/dev/kvm', fsConstants.R_OK | fsConstants.W_OK);
  } catch {
    return false;
  }
  const key = `${release()} ${execFileSync(qemu, ['--version'], { encoding: 'utf8' }).split('\n')[0]}`;
  const cache = join(imageDir, 'kvm-probe.json');
  try {
    const cached = JSON.parse(readFileSync(cache, 'utf8')) as { key: string; works: boolean };
    if (cached.key === key) return cached.works;
  } catch {
    // No answer kept yet: probe.
  }
  const works = await new Promise<boolean>((resolve) => {
    let out = '';
    const p = spawn(qemu, ['-M', 'microvm', '-accel', 'kvm', '-cpu', 'host', '-m', '128', '-nodefaults', '-no-user-config', '-display', 'none',
      '-no-reboot', '-kernel', join(imageDir, 'vmlinuz'), '-initrd', join(imageDir, 'initrd.img'), '-append', 'console=ttyS0 panic=-1 godel.probe=1',
      '-serial', 'stdio'], { stdio: ['ignore', 'pipe', 'ignore'], env: QEMU_ENV, ...(uid !== undefined ? { uid, gid } : {}) });
    const timer = setTimeout(() => p.kill('SIGKILL'), KVM_PROBE_TIMEOUT_MS);
    p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('error', () => resolve(false));
    p.on('close', () => { clearTimeout(timer); resolve(out.includes('godel-probe-ok')); });
  });
  log.info({ kvm: works }, works ? 'KVM works here: microvm sandboxes use it' : 'KVM does not boot a guest here: microvm sandboxes use software emulation (TCG)');
  try {
    writeFileSync(cache, JSON.stringify({ key, works }));
  } catch {
    // A read-only image directory: probe again next start.
  }
  return works;
}

export class MicrovmProvider implements Provider {
  readonly name = 'microvm';
  readonly capabilities: readonly Capability[] = ['exec', 'pause', 'memory-snapshot'];
  private readonly qemu = findExecutable('qemu-system-x86_64');
  private readonly qemuImg = findExecutable('qemu-img');
  private readonly cp = findExecutable('cp') ?? '/bin/cp';
  private readonly rm = findExecutable('rm') ?? '/bin/rm';
  /** Starts QEMU and its tools, so that no boot forks the daemon (see launch/launcher.ts). */
  private readonly launcher: Launcher;
  /** Restores under way for the pool at idle priority, by sandbox id: QEMU's pid once known, and whether promote raised it to low. */
  private readonly refills = new Map<string, { pid: number; priority: Exclude<BootPriority, 'normal'> }>();
  private readonly agents = new Map<string, AgentClient>();
  /** Template states being saved, by key, so that concurrent boots save one. */
  private readonly saving = new Set<string>();
  private qemuVersion: string | undefined;
  private readonly isRoot = process.getuid?.() === 0;
  private accelChoice: 'kvm' | 'tcg' | undefined;
  /** Under TCG, the host's TSC frequency for the guest's kernel (0: not known here, the guest calibrates). */
  private tscKhz: number | undefined;
  /** The daemon's connections to VMs' gateway ports (made or being made), by sandbox id (see connectGateway). */
  private readonly gateways = new Map<string, Promise<Socket>>();

  constructor(private readonly opts: MicrovmProviderOptions) {
    this.launcher = new Launcher(opts.log);
    mkdirSync(opts.vmsDir, { recursive: true, mode: 0o711 });
    mkdirSync(opts.templatesDir, { recursive: true, mode: 0o711 });
    if (opts.config.accel !== 'auto') this.accelChoice = opts.config.accel;
  }

  /** KVM or TCG; with `auto`, decided by a probe before the first boot. */
  get accel(): 'kvm' | 'tcg' {
    return this.accelChoice ?? 'tcg';
  }

  private async chooseAccel(): Promise<void> {
    if (!this.accelChoice) {
      const kvm = await probeKvm(this.qemu!, this.opts.imageDir, this.isRoot ? this.opts.uid : undefined, this.isRoot ? this.opts.gid : undefined, this.opts.log);
      this.accelChoice = kvm ? 'kvm' : 'tcg';
    }
    if (this.accelChoice === 'tcg' && this.tscKhz === undefined) this.tscKhz = await measureTscKhz(this.opts.log);
  }

  status(): ProviderStatus {
    if (!this.qemu || !this.qemuImg) return { available: false, message: 'QEMU is missing on this host (Debian packages qemu-system-x86 and qemu-utils)' };
    const missing = IMAGE_FILES.filter((f) => !existsSync(join(this.opts.imageDir, f)));
    if (missing.length) {
      return { available: false, message: `the guest image is missing in ${this.opts.imageDir} (${missing.join(', ')}): build it with npm run image -- ${this.opts.imageDir}` };
    }
    // QEMU runs as the sandbox user: it must reach and read the image.
    const unreadable = this.isRoot ? IMAGE_FILES.map((f) => join(this.opts.imageDir, f)).find((f) => !readableByOthers(f)) : undefined;
    if (unreadable) {
      return { available: false, message: `QEMU runs as uid ${this.opts.uid} and cannot read ${unreadable}: make it and its directories readable by others (chmod o+r / o+x)` };
    }
    return { available: true, message: `${this.accel}, image ${this.opts.imageDir}` };
  }

  /**
   * Restores the VM from its template's saved state when there is one that fits this QEMU and image
   * (seconds faster than a boot under TCG), else boots it cold and, the first time, saves its state as
   * the template. A VM booted for the pool waits running, at low priority: an idle guest costs under 1%
   * of a core even under TCG, and resuming a paused one on the handoff's path cost more than the bar.
   */
  async boot({ id, spec, priority, restoreFrom }: BootRequest): Promise<ProviderHandle> {
    const st = this.status();
    if (!st.available) throw new GodelError('PROVIDER_UNAVAILABLE', `the microvm provider cannot run: ${st.message}`);
    await this.chooseAccel();
    if (restoreFrom) {
      this.checkMachine(restoreFrom, spec);
      return this.start(id, spec, false, restoreFrom);
    }
    const key = this.opts.config.templates ? this.templateKey(spec) : '';
    if (key && this.hasTemplate(key)) {
      try {
        return await this.start(id, spec, priority !== 'normal', join(this.opts.templatesDir, key));
      } catch (err) {
        // A saved state that no longer restores (another QEMU, a changed image): boot cold and save anew.
        this.opts.log.warn({ sandbox: id, template: key, err: (err as Error).message }, 'restoring from the VM template failed; booting cold');
        rmSync(join(this.opts.templatesDir, key), { recursive: true, force: true });
      }
    }
    const handle = await this.start(id, spec, priority !== 'normal', undefined).catch((err: unknown) => {
      if (!(err as Error).message.startsWith(SILENT_BOOT)) throw err;
      this.opts.log.warn({ sandbox: id }, 'a VM boot hung before its kernel printed anything; booting it again');
      return this.start(id, spec, priority !== 'normal', undefined);
    });
    if (key && !this.hasTemplate(key) && !this.saving.has(key)) {
      this.saving.add(key);
      try {
        await this.saveTemplate(id, key);
      } catch (err) {
        this.opts.log.warn({ sandbox: id, err: (err as Error).message }, 'cannot save a VM template; VMs keep booting cold');
      } finally {
        this.saving.delete(key);
      }
      await qmp(this.qmpPath(id), 'cont');
    }
    return handle;
  }

  /**
   * Starts a VM, cold or restored from `from` (a directory with a saved `state` and its `disk.qcow2`:
   * a template or a memory snapshot), up to a ready agent.
   */
  private async start(id: string, spec: TemplateSpec, background: boolean, from: string | undefined): Promise<ProviderHandle> {
    const dir = this.vmDir(id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let pid = 0;
    try {
      // What machine this is, kept with every state saved of it (saveMachine).
      writeFileSync(join(dir, MACHINE_KEY), this.templateKey(spec));
      const overlay = join(dir, 'overlay.qcow2');
      // A refill nobody waits for runs at SCHED_IDLE, QEMU included (and all it forks: the state's reader,
      // every vCPU and I/O thread), until it is handed out: it gets only the CPU that handoffs leave.
      const idle = background ? IDLE_NICE : undefined;
      if (background && from) this.refills.set(id, { pid: 0, priority: 'idle' });
      if (from) await this.launcher.run([this.cp, '--reflink=auto', join(from, 'disk.qcow2'), overlay], { idle });
      else await this.launcher.run([this.qemuImg!, 'create', '-q', '-f', 'qcow2', '-b', join(this.opts.imageDir, 'rootfs.img'), '-F', 'raw', overlay], { idle });
      if (this.isRoot) {
        chownSync(dir, this.opts.uid, this.opts.gid);
        chownSync(overlay, this.opts.uid, this.opts.gid);
      }
      const incoming = from ? ['-incoming', `exec:cat ${join(from, 'state')}`] : [];
      // -daemonize: QEMU detaches (its own session, reparented) once the VM is set up; the launcher's exit
      // status says whether it started.
      const agents = this.agentsDisk();
      await this.launcher.run([this.qemu!, ...this.qemuArgs(id, spec, agents), ...incoming], { idle, env: QEMU_ENV, ...(this.isRoot ? { uid: this.opts.uid, gid: this.opts.gid } : {}) });
      pid = Number(readFileSync(join(dir, 'vm.pid'), 'utf8').trim());
      // -daemonize made QEMU a session of its own, an autogroup at nice 0 beside which SCHED_IDLE holds
      // nothing back (the CPU is shared between autogroups first): a restore's session waits at nice 19
      // too, until promote or handedOut raises it. A fresh boot does not: the guest's kernel must print
      // within SILENT_BOOT_MS, which a starved boot on a busy host would not.
      const refill = this.refills.get(id);
      if (refill) {
        refill.pid = pid;
        // Promoted while QEMU started: low, not 19.
        await this.launcher.autogroup(refill.priority === 'low' ? LOW_NICE : IDLE_NICE, [pid]);
      }
      const startTime = readStartTime(pid);
      if (!startTime) throw new GodelError('PROVIDER_FAILED', `QEMU exited right after starting: ${this.console(id)}`);
      // What the agent manager needs to know: whether agents can run here (and which CLIs), or why not.
      const handle: ProviderHandle = {
        pid, startTime, id,
        ...(agents ? { agentsUnavailable: '', agentRuntimes: agents.runtimes }
          : { agentsUnavailable: `booted without the agent CLIs' disk (no ${AGENTS_DISK} in ${this.opts.imageDir}; bash scripts/build-agents-image.sh ${this.opts.imageDir} builds it)` }),
      };
      if (from) {
        await this.waitIncoming(id, () => this.isAlive(handle));
        await qmp(this.qmpPath(id), 'cont');
      }
      const launched = Date.now();
      const problem = (): string | undefined => {
        if (!this.isAlive(handle)) return 'the VM exited before its agent answered';
        // The guest's kernel writes to the console within a second of starting; under TCG a boot very
        // rarely hangs before that (seen a few times in a hundred here), and is worth one more try.
        if (!from && Date.now() - launched > SILENT_BOOT_MS && this.console(id) === 'empty') return SILENT_BOOT;
        return undefined;
      };
      await this.agent(id).waitReady(from ? RESTORE_TIMEOUT_MS : BOOT_TIMEOUT_MS, problem).catch((err: unknown) => {
        throw new GodelError('PROVIDER_FAILED', `${(err as Error).message}; the guest's console: ${this.console(id)}`);
      });
      // A clone wakes with the template's clock and entropy: it gets its own before anyone uses it.
      if (from) await this.agent(id).sync(randomBytes(64));
      return handle;
    } catch (err) {
      this.forget(id);
      if (pid) killQuietly(pid);
      await this.removeDir(dir);
      throw err;
    } finally {
      this.refills.delete(id);
    }
  }

  /** Pauses the VM, writes its state and a copy of its disk as the template `key`, and leaves it paused. */
  private async saveTemplate(id: string, key: string): Promise<void> {
    const final = join(this.opts.templatesDir, key);
    const partial = `${final}.partial`;
    rmSync(partial, { recursive: true, force: true });
    const started = Date.now();
    await this.saveMachine(id, partial);
    rmSync(final, { recursive: true, force: true });
    renameSync(partial, final);
    this.opts.log.info({ template: key, ms: Date.now() - started }, 'saved a VM template: new VMs of this shape are restored from it');
  }

  /** A memory snapshot: the whole machine, saved while paused for the moment it takes; it runs on after. */
  async captureMachine(id: string, handle: ProviderHandle, dest: string): Promise<{ frozenMs: number }> {
    if (!this.isAlive(handle)) throw new GodelError('SANDBOX_DEAD', `sandbox ${id} is not running`);
    const started = process.hrtime.bigint();
    try {
      await this.saveMachine(id, dest);
    } finally {
      await qmp(this.qmpPath(id), 'cont');
    }
    return { frozenMs: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  async pause(id: string, handle: ProviderHandle): Promise<void> {
    if (!this.isAlive(handle)) throw new GodelError('SANDBOX_DEAD', `sandbox ${id} is not running`);
    await qmp(this.qmpPath(id), 'stop');
  }

  /** Running again, with the clock of now (it stood still while paused). */
  async resume(id: string): Promise<void> {
    await qmp(this.qmpPath(id), 'cont');
    this.agent(id).syncInOrder(randomBytes(64), (err) => this.opts.log.error({ sandbox: id, err: err.message }, 'the guest could not set its clock after a resume'));
  }

  /** Stops the VM and writes its state (`state`) and a copy of its disk (`disk.qcow2`) into `dir`. */
  private async saveMachine(id: string, dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (this.isRoot) chownSync(dir, this.opts.uid, this.opts.gid);
    await qmp(this.qmpPath(id), 'stop');
    // The state streams out of QEMU (running as the sandbox user) through a shell it starts; the path is ours.
    await qmp(this.qmpPath(id), 'migrate', { uri: `exec:cat > ${join(dir, 'state')}` });
    for (;;) {
      const m = await qmp(this.qmpPath(id), 'query-migrate') as { status?: string; 'error-desc'?: string };
      if (m.status === 'completed') break;
      if (m.status === 'failed' || m.status === 'cancelled') throw new GodelError('PROVIDER_FAILED', `saving the VM state failed: ${m['error-desc'] ?? m.status}`);
      await sleep(10);
    }
    // Stopped, the VM's disk is flushed to the host: its copy matches the saved memory.
    await this.launcher.run([this.cp, '--reflink=auto', join(this.vmDir(id), 'overlay.qcow2'), join(dir, 'disk.qcow2')]);
    try {
      writeFileSync(join(dir, MACHINE_KEY), readFileSync(join(this.vmDir(id), MACHINE_KEY)));
    } catch (err) {
      // A VM started before machine keys were kept: its state restores unchecked, as it did then.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /**
   * A saved machine (a memory snapshot) restores only into the machine it was saved from: a rebuilt guest
   * image or agents disk would run under the saved page cache of the old one, and other QEMU, memory or
   * vCPUs do not load at all. Refused with the reason rather than restored into a guest that misbehaves.
   */
  private checkMachine(from: string, spec: TemplateSpec): void {
    let saved: string;
    try {
      saved = readFileSync(join(from, MACHINE_KEY), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // Saved before machine keys were kept.
      throw err;
    }
    if (saved !== this.templateKey(spec)) {
      throw new GodelError('SNAPSHOT_INCOMPATIBLE', 'the memory snapshot was saved from another machine than its template makes now (its guest image, agents disk, QEMU, memory, vCPUs or network changed since): it cannot be restored; take a new one');
    }
  }

  private async waitIncoming(id: string, alive: () => boolean): Promise<void> {
    const deadline = Date.now() + RESTORE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!alive()) throw new GodelError('PROVIDER_FAILED', `QEMU exited while restoring the saved VM state: ${this.console(id)}`);
      const st = await qmp(this.qmpPath(id), 'query-status').catch(() => undefined /* QMP is not up yet early in the load: ask again */) as { status?: string } | undefined;
      if (st?.status === 'paused' || st?.status === 'running') return;
      await sleep(5);
    }
    throw new GodelError('PROVIDER_FAILED', 'restoring the saved VM state timed out');
  }

  /**
   * A saved state restores only into the same machine: the same QEMU, guest image, memory and vCPUs
   * (and accelerator). All of it goes into the template's name, so a change starts a new template.
   */
  private templateKey(spec: TemplateSpec): string {
    this.qemuVersion ??= execFileSync(this.qemu!, ['--version'], { encoding: 'utf8' }).split('\n')[0];
    let manifest = '';
    try {
      manifest = readFileSync(join(this.opts.imageDir, 'manifest.json'), 'utf8');
    } catch {
      manifest = statSync(join(this.opts.imageDir, 'rootfs.img')).mtimeMs.toString(); // An image built by other means.
    }
    // The devices too: a state saved without the agents disk or the egress port does not restore with them.
    const devices = [this.agentsDisk()?.manifest ?? '', isAllowList(spec.network)];
    const shape = JSON.stringify([this.qemuVersion, manifest, this.accel, spec.limits?.memoryBytes ?? 0, spec.limits?.cpus ?? 1, AGENT_VERSION, ...devices]);
    return createHash('sha256').update(shape).digest('hex').slice(0, 16);
  }

  private hasTemplate(key: string): boolean {
    return existsSync(join(this.opts.templatesDir, key, 'state'));
  }

  private qmpPath(id: string): string {
    return join(this.vmDir(id), 'qmp.sock');
  }

  /**
   * At handoff from the pool: full priority, the host's clock and fresh entropy. The sync is not waited
   * for (it is a round trip through an emulated guest): the agent runs nothing else before it.
   */
  async handedOut(id: string, handle: ProviderHandle): Promise<void> {
    // Queued first, before the function's first await (so before the client hears of the sandbox): the
    // agent takes messages in order, so the client's first command finds the clock set and the entropy fresh.
    this.agent(id).syncInOrder(randomBytes(64), (err) => this.opts.log.error({ sandbox: id, err: err.message }, 'the guest could not set its clock and reseed at handoff'));
    await this.launcher.normal([Number(handle.pid)]);
  }

  /** A pool restore under way is wanted sooner: its QEMU session at a moderate nice. */
  async promote(id: string): Promise<void> {
    const refill = this.refills.get(id);
    if (!refill || refill.priority !== 'idle') return; // Restored meanwhile, or low already.
    refill.priority = 'low';
    if (!refill.pid) return; // QEMU has not daemonized yet: the priority is applied when it has.
    await this.launcher.autogroup(LOW_NICE, [refill.pid]);
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
      await waitForExit(pid, undefined, 2_000);
    }
  }

  async destroy(id: string, handle: ProviderHandle | undefined): Promise<void> {
    await this.stop(id, handle);
    await this.removeDir(this.vmDir(id));
  }

  /** Ends the launch helper and the gateway connections (agents end with the daemon); the VMs it started run on. */
  async close(): Promise<void> {
    for (const id of [...this.gateways.keys()]) this.dropGateway(id);
    await this.launcher.close();
  }

  /** Removes a VM's directory through the launch helper: unlinking a large disk image must not hold up the event loop. */
  private async removeDir(dir: string): Promise<void> {
    await this.launcher.run([this.rm, '-rf', '--', dir]);
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

  /**
   * The agent CLIs' disk, when the image directory has one that QEMU can read. Every VM gets it, and its
   * gateway port, from its boot on: a warm VM (and the saved template it is restored from) is made
   * before anyone knows an agent will run in it, and a saved state restores only with the same devices.
   */
  private agentsDisk(): AgentsDisk | undefined {
    const disk = join(this.opts.imageDir, AGENTS_DISK);
    let manifest: string;
    try {
      manifest = readFileSync(join(this.opts.imageDir, AGENTS_MANIFEST), 'utf8');
    } catch {
      return undefined; // Not built: VMs boot without it, and say so to whoever asks for an agent.
    }
    if (!existsSync(disk) || (this.isRoot && !readableByOthers(disk))) return undefined;
    let runtimes: unknown;
    try {
      runtimes = (JSON.parse(manifest) as { runtimes?: unknown }).runtimes;
    } catch {
      return undefined; // A manifest cut short by a build that died: as good as no disk until it is rebuilt.
    }
    return typeof runtimes === 'string' ? { manifest, runtimes } : undefined;
  }

  /**
   * Connects the daemon to the VM's gateway port, so that the guest's loopback gateway ports reach the
   * gateway's sockets for this sandbox in `dir`; the connection lasts while the VM does (or the daemon).
   */
  async connectGateway(id: string, handle: ProviderHandle, dir: string): Promise<void> {
    let conn = this.gateways.get(id);
    if (!conn) {
      if (!this.isAlive(handle)) throw new GodelError('SANDBOX_DEAD', `sandbox ${id} is not running`);
      if (handle.agentsUnavailable !== '') throw new GodelError('NOT_SUPPORTED', `agents cannot run in sandbox ${id}: it was ${handle.agentsUnavailable ?? 'booted by a daemon without agents'}`);
      // One connection per VM, also for agents that start at once (QEMU serves one client at a time).
      conn = this.openGateway(id, dir);
      this.gateways.set(id, conn);
    }
    await conn;
  }

  private openGateway(id: string, dir: string): Promise<Socket> {
    const sock = connect(join(this.vmDir(id), GATEWAY_SOCKET));
    const done = (): void => { if (this.gateways.get(id) === conn) this.gateways.delete(id); };
    const conn = new Promise<Socket>((resolve, reject) => {
      sock.once('connect', () => {
        sock.on('close', done);
        servePortChannel(sock, (port) => (GATEWAY_PORTS.includes(port) ? join(dir, `${port}.sock`) : undefined));
        resolve(sock);
      });
      sock.once('error', (err) => {
        done();
        reject(new GodelError('PROVIDER_FAILED', `cannot reach the gateway port of VM ${id}: ${err.message}`));
      });
    });
    return conn;
  }

  private dropGateway(id: string): void {
    const conn = this.gateways.get(id);
    this.gateways.delete(id);
    // A connect that failed has nothing to close (its error went to whoever waited for it).
    conn?.then((sock) => sock.destroy(), () => undefined);
  }

  private qemuArgs(id: string, spec: TemplateSpec, agents: AgentsDisk | undefined): string[] {
    const dir = this.vmDir(id);
    const img = this.opts.imageDir;
    const memoryMib = Math.floor((spec.limits?.memoryBytes ?? DEFAULT_MEMORY_MIB * 2 ** 20) / 2 ** 20);
    const cpus = Math.max(1, Math.ceil(spec.limits?.cpus ?? 1));
    return [
      '-name', id, '-M', 'microvm,acpi=on,rtc=on', '-accel', this.accel, '-cpu', this.accel === 'kvm' ? 'host' : 'max',
      '-m', String(memoryMib), '-smp', String(cpus), '-nodefaults', '-no-user-config', '-display', 'none',
      '-kernel', join(img, 'vmlinuz'), '-initrd', join(img, 'initrd.img'), '-append', `console=ttyS0 quiet panic=-1 reboot=t${this.accel === 'tcg' && this.tscKhz ? ` tsc_early_khz=${this.tscKhz}` : ''}`,
      '-serial', `file:${join(dir, 'console.log')}`,
      '-drive', `id=root,file=${join(dir, 'overlay.qcow2')},format=qcow2,if=none,cache=unsafe`, '-device', 'virtio-blk-device,drive=root',
      '-device', 'virtio-serial-device', '-chardev', `socket,id=agent,path=${join(dir, 'agent.sock')},server=on,wait=off`,
      '-device', 'virtserialport,chardev=agent,name=godel.agent',
      '-object', 'rng-random,id=rng,filename=/dev/urandom', '-device', 'virtio-rng-device,rng=rng',
      // The agent CLIs, read-only (shared by every VM), after the root disk so that the root stays vda; and
      // the port that carries the guest's loopback gateway ports to the daemon (guest/loopback-ports.ts).
      ...(agents
        ? ['-drive', `id=agents,file=${join(img, AGENTS_DISK)},format=raw,if=none,readonly=on`, '-device', 'virtio-blk-device,drive=agents',
          '-chardev', `socket,id=gateway,path=${join(dir, GATEWAY_SOCKET)},server=on,wait=off`, '-device', `virtserialport,chardev=gateway,name=${GATEWAY_PORT_NAME}`]
        : []),
      // With an allow list, a second port carries the guest's connections straight to the egress proxy
      // (guest/loopback-ports.ts), reconnecting when the proxy restarts; the daemon is not on that path.
      ...(isAllowList(spec.network) && this.opts.egressSocketDir
        ? ['-chardev', `socket,id=egress,path=${join(this.opts.egressSocketDir(id), VM_SOCKET)},reconnect=1`, '-device', 'virtserialport,chardev=egress,name=godel.egress']
        : []),
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
    this.dropGateway(id);
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

/** Whether a file is readable, and every directory above it searchable, by a user who owns none of them. */
function readableByOthers(file: string): boolean {
  if (!(statSync(file).mode & 0o004)) return false;
  for (let d = dirname(file); ; d = dirname(d)) {
    if (!(statSync(d).mode & 0o001)) return false;
    if (d === '/') return true;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
