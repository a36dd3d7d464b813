import { ValidateBy, ValidationOptions } from 'class-validator';

/** A decimal given as a JSON number or a string ("0.7"): the domain parses it exactly. */
export function IsDecimal(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDecimal',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'number' && Number.isFinite(value)) ||
          (typeof value === 'string' && /^\d{1,9}(\.\d{1,9})?$/.test(value)),
        defaultMessage: () => '$property must be a decimal number, e.g. 0.7 or "0.7"',
      },
    },
    options,
  );
}

/**
 * The OpenAPI schema of an @IsDecimal() field: a JSON number, or a decimal string (exact), with
 * at most three decimals (the domain keeps thousandths), from `minimum` to `maximum`.
 */
export function decimalSchema(minimum: number, maximum: number) {
  return {
    oneOf: [
      { type: 'number' as const, minimum, maximum },
      { type: 'string' as const, format: 'decimal', pattern: '^\\d{1,9}(\\.\\d{1,3})?$' },
    ],
  };
}
