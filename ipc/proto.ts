// Loads the API's .proto files with the same options the generated types were made with
// (ipc/proto-options.json), and exposes the typed service definitions.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as SandboxesProto } from './generated/sandboxes.js';
import type { ProtoGrpcType as ExecProto } from './generated/exec.js';
import type { ProtoGrpcType as PoolsProto } from './generated/pools.js';
import type { ProtoGrpcType as SystemProto } from './generated/system.js';
import type { ProtoGrpcType as FilesProto } from './generated/files.js';
import type { ProtoGrpcType as SnapshotsProto } from './generated/snapshots.js';
import type { ProtoGrpcType as SwarmProto } from './generated/swarm.js';
import type { ProtoGrpcType as FederationProto } from './generated/federation.js';
import type { ProtoGrpcType as AgentsProto } from './generated/agents.js';

// Compiled to dist/ipc/proto.js; the .proto sources stay in the repository's ipc/proto.
const here = dirname(fileURLToPath(import.meta.url));
const ipcRoot = here.endsWith(join('dist', 'ipc')) ? join(here, '..', '..', 'ipc') : here;
export const PROTO_DIR = join(ipcRoot, 'proto');

export const API_PACKAGE = 'godel.v1';

type Api = SandboxesProto & ExecProto & PoolsProto & SystemProto & FilesProto & SnapshotsProto & SwarmProto & FederationProto & AgentsProto;

let cached: Api | undefined;

export function loadApi(): Api {
  if (cached) return cached;
  const json = JSON.parse(readFileSync(join(ipcRoot, 'proto-options.json'), 'utf8')) as Record<string, unknown>;
  // The JSON names the types ("String", "Number") that proto-loader expects as constructors.
  const types: Record<string, unknown> = { String, Number };
  const options: protoLoader.Options = {
    ...json,
    longs: types[json.longs as string] as protoLoader.Options['longs'],
    enums: types[json.enums as string] as protoLoader.Options['enums'],
  };
  const files = ['sandboxes', 'exec', 'pools', 'system', 'files', 'snapshots', 'swarm', 'federation', 'agents'].map((n) => `godel/v1/${n}.proto`);
  const definition = protoLoader.loadSync(files, { ...options, includeDirs: [PROTO_DIR] });
  cached = grpc.loadPackageDefinition(definition) as unknown as Api;
  return cached;
}
