import { getMetadataStorage, ValidationArguments, ValidatorOptions } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** A class, as class-validator keys its metadata. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Target = Function;

interface PropertyPlan {
  name: string;
  /** @IsOptional and the like: when one is false the property is not validated at all. */
  conditions: ((object: object, value: unknown) => boolean)[];
  /** Constraint checks, in class-validator's order (isDefined first). */
  checks: ((object: object, value: unknown) => boolean)[];
  nested: boolean;
}

const SUPPORTED = new Set([
  'customValidation',
  'conditionalValidation',
  'nestedValidation',
  'whitelistValidation',
  'isDefined',
]);

/**
 * class-validator's own rules, run without its per-call overhead (it looks every class's
 * metadata up again on every object it validates, and builds an error tree even when there is
 * no error). Each class's metadata is read once and turned into a plan that calls the same
 * constraint functions in the same way, for the options of createValidationPipe: whitelist
 * with forbidNonWhitelisted, forbidUnknownValues, no groups, nothing skipped.
 *
 * It only ever answers "valid" or "don't know": anything it does not cover exactly (async
 * constraints, groups, promises, sets and maps) and every invalid value go to class-validator,
 * which then produces the errors. So it can make a valid request cheaper, never change an answer.
 */
export class FastAcceptValidator {
  private readonly plans = new Map<Target, PropertyPlan[] | null>();

  /** Whether its answers are class-validator's under these options (createValidationPipe's). */
  static covers(options: ValidatorOptions): boolean {
    return (
      options.whitelist === true &&
      options.forbidNonWhitelisted === true &&
      options.forbidUnknownValues !== false &&
      !options.groups?.length &&
      !options.always &&
      !options.strictGroups &&
      !options.skipMissingProperties &&
      !options.skipUndefinedProperties &&
      !options.skipNullProperties
    );
  }

  accepts(value: unknown): boolean {
    if (value === null || typeof value !== 'object' || value instanceof Set || value instanceof Map)
      return false;
    const plan = this.planFor(value.constructor);
    if (!plan) return false;
    const object = value as Record<string, unknown>;
    // forbidNonWhitelisted: every key needs metadata of its own.
    for (const key of Object.keys(object))
      if (!plan.some((property) => property.name === key)) return false;
    for (const property of plan) {
      const propertyValue = object[property.name];
      if (!property.conditions.every((condition) => condition(object, propertyValue))) continue;
      for (const check of property.checks) if (!check(object, propertyValue)) return false;
      if (property.nested && !this.acceptsNested(propertyValue)) return false;
    }
    return true;
  }

  /** As class-validator's nestedValidations: undefined passes, arrays element by element. */
  private acceptsNested(value: unknown): boolean {
    if (value === undefined) return true;
    if (Array.isArray(value)) return value.every((element) => this.acceptsNested(element));
    return value instanceof Object && this.accepts(value);
  }

  private planFor(target: Target | undefined): PropertyPlan[] | null {
    if (!target) return null;
    let plan = this.plans.get(target);
    if (plan === undefined) {
      plan = compilePlan(target);
      this.plans.set(target, plan);
    }
    return plan;
  }
}

function compilePlan(target: Target): PropertyPlan[] | null {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(
    target,
    undefined as unknown as string,
    false,
    false,
    undefined,
  );
  // forbidUnknownValues: a class without rules is refused.
  if (metadatas.length === 0) return null;
  if (
    metadatas.some(
      (metadata) => !SUPPORTED.has(metadata.type) || metadata.groups?.length || metadata.always,
    )
  ) {
    return null;
  }
  const plan: PropertyPlan[] = [];
  for (const [name, own] of Object.entries(storage.groupByPropertyName(metadatas))) {
    const property: PropertyPlan = { name, conditions: [], checks: [], nested: false };
    const ordered = [
      ...own.filter((metadata) => metadata.type === 'isDefined'),
      ...own.filter((metadata) => metadata.type === 'customValidation'),
    ];
    for (const metadata of ordered) {
      const checks = constraintChecks(metadata);
      if (!checks) return null;
      property.checks.push(...checks);
    }
    for (const metadata of own.filter((metadata) => metadata.type === 'conditionalValidation')) {
      property.conditions.push(
        metadata.constraints[0] as (object: object, value: unknown) => boolean,
      );
    }
    property.nested = own.some((metadata) => metadata.type === 'nestedValidation');
    plan.push(property);
  }
  return plan;
}

/** The constraint's own validate function, called as class-validator's customValidations does. */
function constraintChecks(
  metadata: ValidationMetadata,
): ((object: object, value: unknown) => boolean)[] | null {
  const constraints = getMetadataStorage().getTargetValidatorConstraints(metadata.constraintCls);
  if (constraints.length === 0 || constraints.some((constraint) => constraint.async)) return null;
  return constraints.map((constraint) => (object: object, value: unknown) => {
    const args: ValidationArguments = {
      targetName: object.constructor?.name,
      property: metadata.propertyName,
      object,
      value,
      constraints: metadata.constraints,
    };
    if (value instanceof Set || value instanceof Map) return false;
    const validate = (subject: unknown) => constraint.instance.validate(subject, args) as unknown;
    const results = metadata.each && Array.isArray(value) ? value.map(validate) : [validate(value)];
    // A promise means an async rule: leave it to class-validator.
    return results.every((result) => Boolean(result) && !isPromiseLike(result));
  });
}

function isPromiseLike(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
