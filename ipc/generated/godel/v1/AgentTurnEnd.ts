// Original file: ipc/proto/godel/v1/agents.proto


export interface AgentTurnEnd {
}

export interface AgentTurnEnd__Output {
}
