/**
 * Launch checks: an exported launch config run through the upstream framework's own start-up
 * validation, re-encoded rule by rule (megatron-launch-check.ts, deepspeed-launch-check.ts,
 * torchtitan-launch-check.ts). They read only what the export emits (argv, env, JSON, CLI words)
 * plus what the cluster supplies at launch (world size, GPU architecture), never the Plan, so a
 * plan fact that did not reach the launch config cannot make them pass.
 */

/** One upstream check that the launch would fail. */
export interface LaunchViolation {
  /** Upstream file and function that enforces the rule, e.g. "megatron/training/arguments.py validate_args". */
  readonly rule: string;
  /** What upstream would say, with the numbers. */
  readonly message: string;
}

/** Collects violations: `check(rule, ok, message)` records one when `ok` is false. */
export function violationCollector(): {
  readonly violations: LaunchViolation[];
  readonly check: (rule: string, ok: boolean, message: string) => void;
} {
  const violations: LaunchViolation[] = [];
  return {
    violations,
    check: (rule, ok, message) => {
      if (!ok) violations.push({ rule, message });
    },
  };
}
