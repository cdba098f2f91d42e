// Sandboxes service handlers: validate, call the sandbox manager, map errors.
import type { SandboxesHandlers } from '../../../ipc/generated/godel/v1/Sandboxes.js';
import type { SandboxEvent } from '../../../ipc/generated/godel/v1/SandboxEvent.js';
import { GodelError } from '../../errors.js';
import type { Observer } from '../observer.js';
import type { SandboxManager } from '../../sandboxes/manager.js';
import type { Workspaces } from '../../sandboxes/workspaces.js';
import { validateEnv, validateId, validateLabels, validateTtl } from '../../validation.js';
import { timestamp, toSandbox } from '../convert.js';
import { serverStream, unary } from '../respond.js';

/** Events a Watch client may fall behind by before its stream is ended. */
const WATCH_BACKLOG = 10_000;

/** `shutdown` ends every Watch stream cleanly when the daemon stops. */
export function sandboxesHandlers(sandboxes: SandboxManager, workspaces: Workspaces, obs: Observer, shutdown: AbortSignal): SandboxesHandlers {
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
        ...await workspaces.plan(req.workspace),
      });
      return toSandbox(rec);
    }, (_req, res) => res?.id),

    SetTtl: unary(obs, 'Sandboxes.SetTtl', async (req) => toSandbox(await sandboxes.setTtl(validateId(req.id), validateTtl(req.ttlSeconds))), (req) => req.id),

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
        if (only && event.sandboxId !== only) return;
        if (call.writableLength > WATCH_BACKLOG) {
          unsubscribe();
          reject(new GodelError('REQUEST_TOO_LARGE', `watcher fell more than ${WATCH_BACKLOG} events behind; reconnect`));
          return;
        }
        const msg: SandboxEvent = {
          seq: event.seq, sandboxId: event.sandboxId, type: event.type, state: event.state,
          time: timestamp(event.time), message: event.message ?? '', sandbox: toSandbox(sandbox),
        };
        call.write(msg);
      });
      const end = (): void => { unsubscribe(); shutdown.removeEventListener('abort', end); resolve(); };
      call.on('cancelled', end);
      shutdown.addEventListener('abort', end);
    }), (req) => req.sandboxId || undefined),
  };
}
