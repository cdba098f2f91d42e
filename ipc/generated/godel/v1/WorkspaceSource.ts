// Original file: ipc/proto/godel/v1/sandboxes.proto

import type { GitWorkspace as _godel_v1_GitWorkspace, GitWorkspace__Output as _godel_v1_GitWorkspace__Output } from '../../godel/v1/GitWorkspace.js';

/**
 * A host directory or tar file copied into /workspace, or a git worktree of a host repository. Host
 * paths must lie under one of the daemon's `workspaces.allowed_roots`.
 */
export interface WorkspaceSource {
  'hostDir'?: (string);
  'tarFile'?: (string);
  'git'?: (_godel_v1_GitWorkspace | null);
  'source'?: "hostDir"|"tarFile"|"git";
}

/**
 * A host directory or tar file copied into /workspace, or a git worktree of a host repository. Host
 * paths must lie under one of the daemon's `workspaces.allowed_roots`.
 */
export interface WorkspaceSource__Output {
  'hostDir'?: (string);
  'tarFile'?: (string);
  'git'?: (_godel_v1_GitWorkspace__Output | null);
  'source'?: "hostDir"|"tarFile"|"git";
}
