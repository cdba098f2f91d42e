// Original file: ipc/proto/godel/v1/agents.proto


export interface RunAgentRequest {
  /**
   * Exactly one of template (a new sandbox) and sandbox_id (a READY process sandbox).
   */
  'template'?: (string);
  'sandboxId'?: (string);
  /**
   * "pi", "claude" or "codex".
   */
  'runtime'?: (string);
  /**
   * A model from the daemon's price table (godelctl info lists them); empty: the runtime's default.
   */
  'model'?: (string);
  'prompt'?: (string);
  /**
   * The most the agent may spend, in USD; must be positive when set. Unset: only label and swarm budgets apply.
   */
  'budgetUsd'?: (number | string);
  /**
   * More environment for the CLI (never one of the gateway's own variables).
   */
  'env'?: ({[key: string]: string});
  /**
   * Labels of the agent (and of the sandbox it creates); label budgets apply by them.
   */
  'labels'?: ({[key: string]: string});
  /**
   * Groups agents for usage and a shared budget (godelctl agent run --swarm).
   */
  'swarmId'?: (string);
  /**
   * Where the agent works inside the sandbox; empty means /workspace.
   */
  'workdir'?: (string);
  /**
   * After it has answered every prompt, how long the agent waits for a follow-up (Send) before it ends;
   * 0 ends it at once. At most 3600.
   */
  'waitSeconds'?: (number);
  '_budgetUsd'?: "budgetUsd";
}

export interface RunAgentRequest__Output {
  /**
   * Exactly one of template (a new sandbox) and sandbox_id (a READY process sandbox).
   */
  'template': (string);
  'sandboxId': (string);
  /**
   * "pi", "claude" or "codex".
   */
  'runtime': (string);
  /**
   * A model from the daemon's price table (godelctl info lists them); empty: the runtime's default.
   */
  'model': (string);
  'prompt': (string);
  /**
   * The most the agent may spend, in USD; must be positive when set. Unset: only label and swarm budgets apply.
   */
  'budgetUsd'?: (number);
  /**
   * More environment for the CLI (never one of the gateway's own variables).
   */
  'env': ({[key: string]: string});
  /**
   * Labels of the agent (and of the sandbox it creates); label budgets apply by them.
   */
  'labels': ({[key: string]: string});
  /**
   * Groups agents for usage and a shared budget (godelctl agent run --swarm).
   */
  'swarmId': (string);
  /**
   * Where the agent works inside the sandbox; empty means /workspace.
   */
  'workdir': (string);
  /**
   * After it has answered every prompt, how long the agent waits for a follow-up (Send) before it ends;
   * 0 ends it at once. At most 3600.
   */
  'waitSeconds': (number);
  '_budgetUsd'?: "budgetUsd";
}
