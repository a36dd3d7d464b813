import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidatorOptions } from 'class-validator';
import { FIELD_RULE, FieldRuleContext, firstRefusal } from './field-rule';
import { FastAcceptValidator } from './fast-accept-validation';
import { FieldError, ProblemException } from './problem-details';

/**
 * Every offending field of a request at once: the type errors class-validator found, and the
 * domain's rule errors (FollowsDomainRule) of every field whose type is right. A rule error on a
 * field that already has a type error, or inside or around one, says nothing new: left out.
 */
function fieldErrors(errors: ValidationError[]): FieldError[] {
  const typeErrors: FieldError[] = [];
  const ruleErrors: FieldError[] = [];
  collect(errors, '', false, typeErrors, ruleErrors);
  const typed = typeErrors.map((error) => error.field);
  return [
    ...typeErrors,
    ...ruleErrors.filter((error) => !typed.some((field) => related(field, error.field))),
  ];
}

function collect(
  errors: ValidationError[],
  parent: string,
  parentIsList: boolean,
  typeErrors: FieldError[],
  ruleErrors: FieldError[],
): void {
  for (const error of errors) {
    const field = parentIsList
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const { [FIELD_RULE]: ruleMessage, ...typeConstraints } = error.constraints ?? {};
    const typeMessages = Object.values(typeConstraints);
    typeErrors.push(...typeMessages.map((message) => ({ field, message })));
    if (typeMessages.length === 0 && ruleMessage !== undefined) {
      const { rules } = error.contexts?.[FIELD_RULE] as FieldRuleContext;
      const siblings = (error.target ?? {}) as Record<string, unknown>;
      const refusal = firstRefusal(rules, error.value, field, siblings);
      ruleErrors.push(...(refusal ?? [{ field, message: ruleMessage }]));
    }
    collect(error.children ?? [], field, Array.isArray(error.value), typeErrors, ruleErrors);
  }
}

/** The same field, or one inside the other (`constraints` and `constraints.jurisdictions[1]`). */
function related(a: string, b: string): boolean {
  const inside = (inner: string, outer: string) =>
    inner.startsWith(outer) && (inner[outer.length] === '.' || inner[outer.length] === '[');
  return a === b || inside(a, b) || inside(b, a);
}

/** class-validator's answer, reached without it when the value is valid (the common case). */
class FastAcceptValidationPipe extends ValidationPipe {
  private readonly fast = new FastAcceptValidator();

  protected override validate(object: object, validatorOptions?: ValidatorOptions) {
    const fastAnswers =
      validatorOptions !== undefined && FastAcceptValidator.covers(validatorOptions);
    return fastAnswers && this.fast.accepts(object) ? [] : super.validate(object, validatorOptions);
  }
}

/**
 * DTO validation for every endpoint: unknown fields are errors (never silently dropped), no
 * implicit type conversion, and every failure lists its fields.
 */
export function createValidationPipe(): ValidationPipe {
  return new FastAcceptValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // Values and targets reach only fieldErrors (domain rules read them again), never a response.
    validationError: { target: true, value: true },
    exceptionFactory: (errors) =>
      new ProblemException(400, 'The request is invalid', fieldErrors(errors)),
  });
}
