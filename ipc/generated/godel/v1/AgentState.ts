// Original file: ipc/proto/godel/v1/agents.proto

export const AgentState = {
  AGENT_STATE_UNSPECIFIED: 'AGENT_STATE_UNSPECIFIED',
  AGENT_STARTING: 'AGENT_STARTING',
  AGENT_RUNNING: 'AGENT_RUNNING',
  AGENT_ENDED: 'AGENT_ENDED',
} as const;

export type AgentState =
  | 'AGENT_STATE_UNSPECIFIED'
  | 0
  | 'AGENT_STARTING'
  | 1
  | 'AGENT_RUNNING'
  | 2
  | 'AGENT_ENDED'
  | 3

export type AgentState__Output = typeof AgentState[keyof typeof AgentState]
