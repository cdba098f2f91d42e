// The registry of stable error codes. The daemon sends one of these in the trailing metadata key
// `godel-error-code` of every failed call, next to a gRPC status that means the same thing. Codes are
// part of the API contract: never rename or reuse one; add new ones at the end of their group.
import { status } from '@grpc/grpc-js';

export const ERROR_CODE_METADATA_KEY = 'godel-error-code';

export const ErrorCodes = {
  // Requests that are malformed.
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  INVALID_ID: status.INVALID_ARGUMENT,
  INVALID_LABEL: status.INVALID_ARGUMENT,
  INVALID_ENV: status.INVALID_ARGUMENT,
  INVALID_ARGV: status.INVALID_ARGUMENT,
  INVALID_CWD: status.INVALID_ARGUMENT,
  INVALID_TIMEOUT: status.INVALID_ARGUMENT,
  INVALID_POOL_SETTINGS: status.INVALID_ARGUMENT,
  REQUEST_TOO_LARGE: status.INVALID_ARGUMENT,
  INVALID_SIGNAL: status.INVALID_ARGUMENT,
  INVALID_TERMINAL_SIZE: status.INVALID_ARGUMENT,
  INVALID_TAG: status.INVALID_ARGUMENT,
  EXPECTED_START: status.INVALID_ARGUMENT,
  EXPECTED_ATTACH: status.INVALID_ARGUMENT,
  INVALID_PATH: status.INVALID_ARGUMENT,
  EXPECTED_HEADER: status.INVALID_ARGUMENT,
  INVALID_ARCHIVE: status.INVALID_ARGUMENT,
  INVALID_COUNT: status.INVALID_ARGUMENT,
  INVALID_WORKSPACE: status.INVALID_ARGUMENT,
  INVALID_STRATEGY: status.INVALID_ARGUMENT,
  INVALID_PLACEMENT: status.INVALID_ARGUMENT,
  INVALID_NETWORK_POLICY: status.INVALID_ARGUMENT,
  // Agents: a runtime or model the daemon does not know, a budget that is not positive, an empty prompt.
  UNKNOWN_RUNTIME: status.INVALID_ARGUMENT,
  UNKNOWN_MODEL: status.INVALID_ARGUMENT,
  INVALID_BUDGET: status.INVALID_ARGUMENT,
  INVALID_PROMPT: status.INVALID_ARGUMENT,
  // Things that do not exist.
  SANDBOX_NOT_FOUND: status.NOT_FOUND,
  TEMPLATE_NOT_FOUND: status.NOT_FOUND,
  SESSION_NOT_FOUND: status.NOT_FOUND,
  FILE_NOT_FOUND: status.NOT_FOUND,
  SNAPSHOT_NOT_FOUND: status.NOT_FOUND,
  TICKET_NOT_FOUND: status.NOT_FOUND,
  SWARM_NOT_FOUND: status.NOT_FOUND,
  AGENT_NOT_FOUND: status.NOT_FOUND,
  // Conflicts.
  SESSION_TAG_IN_USE: status.ALREADY_EXISTS,
  FILE_EXISTS: status.ALREADY_EXISTS,
  // Paths the sandbox may not reach or change.
  PATH_OUTSIDE_SANDBOX: status.PERMISSION_DENIED,
  FILE_PERMISSION_DENIED: status.PERMISSION_DENIED,
  READ_ONLY_PATH: status.PERMISSION_DENIED,
  WORKSPACE_SOURCE_NOT_ALLOWED: status.PERMISSION_DENIED,
  PEER_NOT_ALLOWED: status.PERMISSION_DENIED,
  // A create that asks for more network than its template allows.
  NETWORK_POLICY_WIDENED: status.PERMISSION_DENIED,
  // Capacity.
  POOL_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  TOO_MANY_SESSIONS: status.RESOURCE_EXHAUSTED,
  DISK_FULL: status.RESOURCE_EXHAUSTED,
  TOO_MANY_OPEN_FILES: status.RESOURCE_EXHAUSTED,
  // A budget already spent: no new agent starts on it.
  BUDGET_SPENT: status.RESOURCE_EXHAUSTED,
  TOO_MANY_AGENTS: status.RESOURCE_EXHAUSTED,
  // The sandbox exists but cannot do what was asked in its current state.
  SANDBOX_NOT_READY: status.FAILED_PRECONDITION,
  SANDBOX_DEAD: status.FAILED_PRECONDITION,
  NOT_SUPPORTED: status.FAILED_PRECONDITION,
  SNAPSHOT_INCOMPATIBLE: status.FAILED_PRECONDITION,
  SESSION_EXITED: status.FAILED_PRECONDITION,
  IS_A_DIRECTORY: status.FAILED_PRECONDITION,
  NOT_A_DIRECTORY: status.FAILED_PRECONDITION,
  DIRECTORY_NOT_EMPTY: status.FAILED_PRECONDITION,
  FILE_OPERATION_FAILED: status.FAILED_PRECONDITION,
  // An agent that has ended takes no follow-up and no abort; a runtime that takes no follow-ups at all.
  AGENT_ENDED: status.FAILED_PRECONDITION,
  FOLLOW_UP_NOT_SUPPORTED: status.FAILED_PRECONDITION,
  // The agent CLI is not installed on this node (scripts/setup.sh installs them).
  RUNTIME_NOT_INSTALLED: status.FAILED_PRECONDITION,
  // The daemon or a provider cannot serve right now.
  PROVIDER_UNAVAILABLE: status.UNAVAILABLE,
  PROVIDER_FAILED: status.UNAVAILABLE,
  SHUTTING_DOWN: status.UNAVAILABLE,
  LIMITS_UNAVAILABLE: status.UNAVAILABLE,
  // A peer node of the federation that holds what the call is about does not answer.
  NODE_UNAVAILABLE: status.UNAVAILABLE,
  // The egress proxy that carries sandboxes' connections cannot be reached or started.
  EGRESS_UNAVAILABLE: status.UNAVAILABLE,
  // A failure the daemon did not expect; details are in its log, never in the response.
  INTERNAL: status.INTERNAL,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;
