import { ValidateBy, ValidationOptions } from 'class-validator';
import { FieldError } from './problem-details';

/**
 * A rule of the domain on one command field: the same function the decider calls, so the edge
 * and the domain cannot disagree. It names its errors itself (`constraints.jurisdictions[1]`).
 */
export type FieldRule = (
  value: unknown,
  field: string,
) => { ok: true } | { ok: false; errors: FieldError[] };

/** The constraint name under which a DTO property carries its domain rule. */
export const FIELD_RULE = 'fieldRule';

/** What class-validator keeps beside a failed FIELD_RULE constraint (its `contexts`). */
export interface FieldRuleContext {
  rule: FieldRule;
}

/**
 * Checks a DTO property with the domain's own rule for it, so a 400 lists rule errors (a
 * currency code, a whole-hour slot, a range) together with the type errors of other fields.
 * The validation pipe asks the rule again for its errors, with the property's full path, and
 * only when the property's type constraints passed.
 */
export function FollowsDomainRule(rule: FieldRule, options?: ValidationOptions): PropertyDecorator {
  const context: FieldRuleContext = { rule };
  return ValidateBy(
    {
      name: FIELD_RULE,
      validator: {
        validate: (value: unknown) => rule(value, '').ok,
        defaultMessage: () => '$property breaks a rule of the domain',
      },
    },
    { ...options, context },
  );
}
