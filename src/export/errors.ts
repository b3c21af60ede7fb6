/**
 * The export room's one failure type (STYLE.md §8): the plan is valid for Strata but the chosen
 * framework cannot run it (e.g. ZeRO-3 under Megatron-LM), or breaks one of that framework's own
 * argument checks. Carries the plan field at fault and the numbers, like PlanningError.
 */
import { ReasonedDomainError } from '../base/index.js';

export type ExportFormat = 'megatron' | 'deepspeed' | 'torchtitan' | 'torchrun' | 'rankmap';

export type ExportErrorReason =
  /** The framework has no equivalent of this plan feature. */
  | 'unsupported-feature'
  /** The framework's own argument validation would reject these values. */
  | 'framework-validation'
  /** An argument list could not be parsed back. */
  | 'unparseable';

export class ExportError extends ReasonedDomainError<ExportErrorReason> {
  override readonly name = 'ExportError';
  readonly code = 'infeasible';
  declare readonly field: string;
  /** @param field the plan field at fault, as a JSON path (e.g. "strategy.zeroStage") */
  constructor(
    readonly format: ExportFormat,
    reason: ExportErrorReason,
    message: string,
    field: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(reason, message, field, details);
  }
}
