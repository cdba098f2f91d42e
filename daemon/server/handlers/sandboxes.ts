// Sandboxes service handlers: validate, call the sandbox manager, map errors.
import type { SandboxesHandlers } from '../../../ipc/generated/godel/v1/Sandboxes.js';
import type { SandboxEvent } from '../../../ipc/generated/godel/v1/SandboxEvent.js';
import type { NetworkNarrowing__Output } from '../../../ipc/generated/godel/v1/NetworkNarrowing.js';
import { GodelError } from '../../errors.js';
import type { Observer } from '../observer.js';
import type { SandboxManager } from '../../sandboxes/manager.js';
import type { Workspaces } from '../../sandboxes/workspaces.js';
import { validateEnv, validateId, validateLabels, validateTtl } from '../../validation.js';
import { timestamp, toSandbox } from '../convert.js';
import { serverStream, unary, writeWithBackpressure } from '../respond.js';
import type { AuditLog } from '../../audit/audit-log.js';
import type { AuditRecord, EventRecord, SandboxRecord, Store } from '../../store/store.js';

/** Events a Watch client may fall behind by before its stream is ended. */
const WATCH_BACKLOG = 10_000;
/** Stored events Events replays by default, and at most. */
const DEFAULT_HISTORY = 100;
const MAX_HISTORY = 100_000;

/** A create's `network`: a narrower allow list, or 'none' (no network at all). */
function networkNarrowing(n: NetworkNarrowing__Output): { allow: string[]; deny: string[] } | 'none' {
  switch (n.mode) {
    case '':
    case 'allow':
      return { allow: n.allow, deny: n.deny };
    case 'none':
      if (n.allow.length || n.deny.length) throw new GodelError('INVALID_NETWORK_POLICY', 'network.mode "none" goes without allow and deny entries: a sandbox without network has nothing to allow or deny');
      return 'none';
    case 'host':
      throw new GodelError('NETWORK_POLICY_WIDENED', 'a create cannot put a sandbox on the host\'s network; only a template with network "host" does');
    default:
      throw new GodelError('INVALID_NETWORK_POLICY', `network.mode "${n.mode}" is not "none" or "allow"`);
  }
}

/** `shutdown` ends every Watch stream cleanly when the daemon stops. */
export function sandboxesHandlers(
  sandboxes: SandboxManager, workspaces: Workspaces, audit: AuditLog, history: Pick<Store, 'history'>, obs: Observer, shutdown: AbortSignal, node: string,
): SandboxesHandlers {
  const toEventMessage = (r: EventRecord | AuditRecord, sandbox?: SandboxRecord): SandboxEvent => ({ ...eventMessage(r, sandbox), node });
  return {
    Create: unary(obs, 'Sandboxes.Create', async (req) => {
      const labels = validateLabels(req.labels);
      const env = validateEnv(req.env);
      const ttlSeconds = validateTtl(req.ttlSeconds);
      const rec = await sandboxes.create({
        template: req.template || 'default', labels, env, ttlSeconds,
        idleTimeoutSeconds: validateTtl(req.idleTimeoutSeconds, 'idle_timeout_seconds'),
        maxLifetimeSeconds: validateTtl(req.maxLifetimeSeconds, 'max_lifetime_seconds'),
        expiryPolicy: req.expiryPolicy === 'STOP' || req.expiryPolicy === 'DELETE' ? req.expiryPolicy : undefined,
        ...(req.network ? { network: networkNarrowing(req.network) } : {}),
        ...await workspaces.plan(req.workspace),
      });
      return toSandbox(rec);
    }, (_req, res) => res?.id),

    SetTtl: unary(obs, 'Sandboxes.SetTtl', async (req) => toSandbox(await sandboxes.setTtl(validateId(req.id), validateTtl(req.ttlSeconds))), (req) => req.id),

    Pause: unary(obs, 'Sandboxes.Pause', async (req) => toSandbox(await sandboxes.pause(validateId(req.id))), (req) => req.id),

    Resume: unary(obs, 'Sandboxes.Resume', async (req) => toSandbox(await sandboxes.resume(validateId(req.id))), (req) => req.id),

    Get: unary(obs, 'Sandboxes.Get', async (req) => toSandbox(sandboxes.get(validateId(req.id))), (req) => req.id),

    List: unary(obs, 'Sandboxes.List', async (req) => ({
      sandboxes: sandboxes.list(validateLabels(req.labelSelector, 'label selector'), req.template).map(toSandbox),
    })),

    Delete: unary(obs, 'Sandboxes.Delete', async (req) => {
      await sandboxes.delete(validateId(req.id));
      return {};
    }, (req) => req.id),

    Watch: serverStream(obs, 'Sandboxes.Watch', (call) => new Promise<void>((resolve, reject) => {
      const only = call.request.sandboxId ? validateId(call.request.sandboxId) : '';
      const unsubscribe = sandboxes.onEvent(({ event, sandbox }) => {
        if (!event.claimed || (only && event.sandboxId !== only)) return;
        if (call.writableLength > WATCH_BACKLOG) {
          unsubscribe();
          reject(new GodelError('REQUEST_TOO_LARGE', `watcher fell more than ${WATCH_BACKLOG} events behind; reconnect`));
          return;
        }
        call.write(toEventMessage(event, sandbox));
      });
      const end = (): void => { unsubscribe(); shutdown.removeEventListener('abort', end); resolve(); };
      call.on('cancelled', end);
      shutdown.addEventListener('abort', end);
    }), (req) => req.sandboxId || undefined),

    Events: serverStream(obs, 'Sandboxes.Events', async (call) => {
      const only = call.request.sandboxId ? validateId(call.request.sandboxId) : undefined;
      const limit = call.request.limit || DEFAULT_HISTORY;
      if (limit > MAX_HISTORY) throw new GodelError('INVALID_ARGUMENT', `limit must be at most ${MAX_HISTORY}`);
      // Live events are collected from before the history is read, so none falls between the two.
      const live: SandboxEvent[] = [];
      let send: ((e: SandboxEvent) => void) | undefined;
      const deliver = (e: SandboxEvent): void => {
        if (only && e.sandboxId !== only) return;
        if (send) send(e);
        else live.push(e);
      };
      const unsubscribe = call.request.follow
        ? [sandboxes.onEvent(({ event, sandbox }) => deliver(toEventMessage(event, sandbox))), audit.onRecord((r) => deliver(toEventMessage(r)))]
        : [];
      try {
        let last = 0;
        for (const r of await history.history(only, limit)) {
          if (!await writeWithBackpressure(call, toEventMessage(r))) return;
          last = Number(r.seq);
        }
        if (!call.request.follow) return;
        await new Promise<void>((resolve, reject) => {
          const end = (): void => { shutdown.removeEventListener('abort', end); resolve(); };
          send = (e) => {
            if (Number(e.seq) <= last) return;
            if (call.writableLength > WATCH_BACKLOG) {
              reject(new GodelError('REQUEST_TOO_LARGE', `follower fell more than ${WATCH_BACKLOG} events behind; reconnect`));
              return;
            }
            call.write(e);
          };
          for (const e of live.splice(0)) send(e);
          call.on('cancelled', end);
          shutdown.addEventListener('abort', end);
        });
      } finally {
        for (const u of unsubscribe) u();
      }
    }, (req) => req.sandboxId || undefined),
  };
}

/** A lifecycle event (with the sandbox as it is now, when live) or an audit record, as the API sends it. */
function eventMessage(r: EventRecord | AuditRecord, sandbox?: SandboxRecord): SandboxEvent {
  if ('method' in r) {
    return {
      seq: r.seq, sandboxId: r.sandboxId ?? '', type: 'request', time: timestamp(r.time), method: r.method,
      status: r.status, errorCode: r.code ?? '', actor: { uid: r.uid, gid: r.gid, pid: r.pid, viaNode: r.via ?? '' },
    };
  }
  return {
    seq: r.seq, sandboxId: r.sandboxId, type: r.type, state: r.state, time: timestamp(r.time), message: r.message ?? '',
    ...(sandbox ? { sandbox: toSandbox(sandbox) } : {}),
  };
}
