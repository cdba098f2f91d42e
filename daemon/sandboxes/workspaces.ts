// Workspace sources for Create: a host directory or tar file unpacked into /workspace, or a git worktree
// of a host repository. Host paths must lie under `workspaces.allowed_roots` (the daemon runs as root and
// must not copy just any host file into a sandbox for whoever can reach its socket).
//
// A directory or tar is unpacked inside the sandbox, by tar, as the sandbox's user, after the same
// validation as PutArchive: ownership is the sandbox's and no entry can leave /workspace.
// A git workspace is `git worktree add -b godel/<sandbox id>` run as the repository's owner, and the
// sandbox runs as that owner with the repository's .git bound at its own path, so the agent's commits
// land in the user's repository, on its own branch, where the user sees them afterwards. Such a sandbox
// is booted for the request (never from the pool), and its worktree is pruned when it is deleted.
import { spawn } from 'node:child_process';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import tar from 'tar-stream';
import { packTree } from '../../ipc/archive.js';
import type { WorkspaceSource__Output } from '../../ipc/generated/godel/v1/WorkspaceSource.js';
import type { WorkspacesConfig } from '../config/config.js';
import { GodelError, errorMessage } from '../errors.js';
import type { FileManager } from '../files/file-manager.js';
import type { Logger } from '../log.js';
import type { BootOverrides, Provider } from '../providers/provider.js';
import type { SandboxRecord } from '../store/store.js';

export interface WorkspacePlan {
  prepare?: (sandbox: SandboxRecord, provider: Provider) => Promise<void>;
  overrides?: BootOverrides;
  gitRepo?: string;
}

export class Workspaces {
  constructor(private readonly config: WorkspacesConfig, private readonly files: FileManager, private readonly log: Logger) {}

  async plan(source: WorkspaceSource__Output | null | undefined): Promise<WorkspacePlan> {
    if (!source?.source) return {};
    if (source.source === 'hostDir') {
      const dir = this.allowed(source.hostDir!);
      if (!statSync(dir).isDirectory()) throw new GodelError('INVALID_WORKSPACE', `${source.hostDir} is not a directory`);
      return { prepare: (sandbox, provider) => this.unpack(sandbox, provider, (pack) => packTree(pack, dir, '.')) };
    }
    if (source.source === 'tarFile') {
      const file = this.allowed(source.tarFile!);
      if (!statSync(file).isFile()) throw new GodelError('INVALID_WORKSPACE', `${source.tarFile} is not a file`);
      return {
        prepare: async (sandbox, provider) => {
          const stats = await this.files.unpackInto(sandbox, provider, '/workspace', createReadStream(file));
          this.log.info({ sandbox: sandbox.id, entries: stats.entries }, 'workspace seeded from a tar file');
        },
      };
    }
    return this.planGit(source.git!.repo, source.git!.ref);
  }

  /** Prunes the worktree metadata of a deleted git workspace; its branch and commits stay in the repository. */
  async released(rec: SandboxRecord): Promise<void> {
    if (!rec.gitRepo) return;
    const owner = statSync(rec.gitRepo);
    await git(['-C', rec.gitRepo, 'worktree', 'prune'], owner.uid, owner.gid).catch((err: unknown) => {
      this.log.warn({ sandbox: rec.id, repo: rec.gitRepo, err: errorMessage(err) }, 'cannot prune the git worktree');
    });
  }

  private async planGit(repoArg: string, ref: string): Promise<WorkspacePlan> {
    const repo = this.allowed(repoArg);
    const owner = statSync(repo);
    if (owner.uid === 0) {
      throw new GodelError('WORKSPACE_SOURCE_NOT_ALLOWED', `${repoArg} belongs to root: a git workspace runs as the repository's owner, and a sandbox never runs as root`);
    }
    if (ref.startsWith('-') || ref.includes('\0')) throw new GodelError('INVALID_WORKSPACE', `"${ref}" is not a git ref`);
    const commonDir = (await git(['-C', repo, 'rev-parse', '--path-format=absolute', '--git-common-dir'], owner.uid, owner.gid)).trim();
    this.allowed(commonDir);
    return {
      // The worktree's .git file points into the repository's .git: bound at the same path inside.
      overrides: { hostUid: owner.uid, hostGid: owner.gid, binds: [commonDir] },
      gitRepo: repo,
      prepare: async (sandbox, provider) => {
        if (!provider.workspacePath) throw new GodelError('NOT_SUPPORTED', `the ${provider.name} provider has no host workspace for a git worktree`);
        const branch = `godel/${sandbox.id}`;
        await git(['-C', repo, 'worktree', 'add', '--quiet', '-b', branch, provider.workspacePath(sandbox.id), ...(ref ? [ref] : [])], owner.uid, owner.gid);
        this.log.info({ sandbox: sandbox.id, repo, branch }, 'git worktree workspace created');
      },
    };
  }

  /** The real path of a host source, which must lie under an allowed root. */
  private allowed(path: string): string {
    if (!path.startsWith('/')) throw new GodelError('INVALID_WORKSPACE', `${path} is not an absolute host path`);
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      throw new GodelError('INVALID_WORKSPACE', `${path} does not exist on the host`);
    }
    const ok = this.config.allowedRoots.some((root) => real === root || real.startsWith(root.endsWith('/') ? root : `${root}/`));
    if (!ok) {
      throw new GodelError('WORKSPACE_SOURCE_NOT_ALLOWED', this.config.allowedRoots.length
        ? `${path} is not under the daemon's workspaces.allowed_roots (${this.config.allowedRoots.join(', ')})`
        : `host workspace sources are disabled: list the directories they may come from in the daemon's workspaces.allowed_roots`);
    }
    return real;
  }

  private async unpack(sandbox: SandboxRecord, provider: Provider, fill: (pack: tar.Pack) => Promise<void>): Promise<void> {
    const pack = tar.pack();
    const out = new PassThrough();
    pack.pipe(out);
    const filling = fill(pack).then(() => pack.finalize(), (err: unknown) => { pack.destroy(err as Error); throw err; });
    const [stats] = await Promise.all([this.files.unpackInto(sandbox, provider, '/workspace', out), filling]);
    this.log.info({ sandbox: sandbox.id, entries: stats.entries }, 'workspace seeded from a host directory');
  }
}

function git(args: string[], uid: number, gid: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const p = spawn('git', args, { uid, gid, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0' } });
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('error', (e) => reject(new GodelError('INVALID_WORKSPACE', `cannot run git: ${e.message}`)));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new GodelError('INVALID_WORKSPACE', `git ${args.slice(2, 4).join(' ')} failed: ${err.trim()}`))));
  });
}

