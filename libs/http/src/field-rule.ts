import { ValidateBy } from 'class-validator';
import { FieldError } from './problem-details';

type RuleAnswer = { ok: true } | { ok: false; errors: FieldError[] };

/**
 * A rule of the domain on one command field: the same function the decider calls, so the edge
 * and the domain cannot disagree. It names its errors itself (`constraints.jurisdictions[1]`).
 */
export type FieldRule = (value: unknown, field: string) => RuleAnswer;

/** A rule of the domain across fields of one object (`orderWindowErrors`), see acrossFields. */
export interface AcrossFieldsRule {
  across: (siblings: Record<string, unknown>) => FieldError[];
}

export type DomainRule = FieldRule | AcrossFieldsRule;

/** The constraint name under which a DTO property carries its domain rules. */
export const FIELD_RULE = 'fieldRule';

/** What class-validator keeps beside a failed FIELD_RULE constraint (its `contexts`). */
export interface FieldRuleContext {
  rules: readonly DomainRule[];
}

/**
 * Checks a DTO property with the domain's own rules for it, so a 400 lists rule errors (a
 * currency code, a whole-hour slot, a range) together with the type errors of other fields.
 * The rules run in order and the first that refuses names the errors. The validation pipe asks
 * it again for them, with the property's full path, and only when the property's type
 * constraints passed.
 */
export function FollowsDomainRule(...rules: DomainRule[]): PropertyDecorator {
  const context: FieldRuleContext = { rules };
  return ValidateBy(
    {
      name: FIELD_RULE,
      validator: {
        validate: (value: unknown, args) =>
          firstRefusal(rules, value, '', (args?.object ?? {}) as Record<string, unknown>) ===
          undefined,
        defaultMessage: () => '$property breaks a rule of the domain',
      },
    },
    { context },
  );
}

/** The errors of the first rule that refuses the value, or undefined when every rule accepts it. */
export function firstRefusal(
  rules: readonly DomainRule[],
  value: unknown,
  field: string,
  siblings: Record<string, unknown>,
): FieldError[] | undefined {
  for (const rule of rules) {
    if (typeof rule === 'function') {
      const answer = rule(value, field);
      if (!answer.ok) return answer.errors;
    } else {
      const errors = rule.across(siblings);
      if (errors.length > 0) return errors;
    }
  }
  return undefined;
}

/**
 * A domain rule across the fields of one object (`orderWindowErrors`), set on the field it names.
 * It reads its fields from the object and says nothing while one of them breaks its own rule, so
 * it runs after that field's rules. Its errors name top-level fields: use it on request bodies.
 */
export function acrossFields(
  errorsOf: (siblings: Record<string, unknown>) => FieldError[],
): AcrossFieldsRule {
  return { across: errorsOf };
}
