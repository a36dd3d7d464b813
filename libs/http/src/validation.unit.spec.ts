import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsObject, IsString, ValidateNested } from 'class-validator';
import { acrossFields, FieldRule, FollowsDomainRule } from './field-rule';
import { FieldError, ProblemException, problem } from './problem-details';
import { createValidationPipe } from './validation';

/** Rules written as the domain writes them: type check included, errors named by `field`. */
const evenInteger: FieldRule = (value, field) =>
  typeof value === 'number' && Number.isInteger(value) && value % 2 === 0
    ? { ok: true }
    : { ok: false, errors: [{ field, message: 'must be an even integer' }] };

const upperCaseCodes: FieldRule = (value, field) => {
  if (!Array.isArray(value)) return { ok: false, errors: [{ field, message: 'must be a list' }] };
  const errors = value.flatMap((item: unknown, index) =>
    typeof item === 'string' && /^[A-Z]+$/.test(item)
      ? []
      : [{ field: `${field}[${index}]`, message: 'must be an upper-case code' }],
  );
  return errors.length > 0 ? { ok: false, errors } : { ok: true };
};

const pointRule: FieldRule = (value, field) => {
  const { x, y } = value as { x: unknown; y: unknown };
  const errors: FieldError[] = [];
  if (typeof x !== 'number' || x < 0) errors.push({ field: `${field}.x`, message: 'must be >= 0' });
  if (typeof y !== 'number' || y < 0) errors.push({ field: `${field}.y`, message: 'must be >= 0' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true };
};

class PointDto {
  @IsInt() x!: number;
  @IsInt() y!: number;
}

class ItemDto {
  @IsInt() @FollowsDomainRule(evenInteger) size!: number;
}

/** A rule across fields: `count` must not exceed `limit`, said only when both are valid alone. */
const countWithinLimit = acrossFields(({ count, limit }) =>
  typeof count === 'number' && typeof limit === 'number' && count % 2 === 0 && count > limit
    ? [{ field: 'count', message: 'must not exceed limit' }]
    : [],
);

class RequestDto {
  @IsInt() @FollowsDomainRule(evenInteger, countWithinLimit) count!: number;
  @IsInt() limit!: number;
  @IsString() label!: string;

  @IsArray()
  @IsString({ each: true })
  @FollowsDomainRule(upperCaseCodes)
  codes!: string[];

  @IsObject()
  @ValidateNested()
  @Type(() => PointDto)
  @FollowsDomainRule(pointRule)
  point!: PointDto;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
}

const VALID = {
  count: 2,
  limit: 10,
  label: 'x',
  codes: ['FR'],
  point: { x: 1, y: 1 },
  items: [{ size: 2 }],
};
const METADATA: ArgumentMetadata = { type: 'body', metatype: RequestDto };

/** The field errors of the 400 the pipe answers, as the response would list them. */
async function errorsOf(body: Record<string, unknown>): Promise<FieldError[]> {
  try {
    await createValidationPipe().transform(body, METADATA);
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    return problem(error.status, error.message, error.errors).errors ?? [];
  }
  return [];
}

const fields = (errors: FieldError[]) => errors.map((error) => error.field);

describe('the validation pipe lists type and rule errors together', () => {
  it('accepts a body every rule accepts', async () => {
    expect(await errorsOf(VALID)).toEqual([]);
  });

  it('a type error in one field and a rule error in another are both listed', async () => {
    const errors = await errorsOf({ ...VALID, count: 3, codes: 'FR' });
    expect(fields(errors)).toEqual(['codes', 'count']);
    expect(errors.find((error) => error.field === 'count')?.message).toBe(
      'must be an even integer',
    );
  });

  it('a field with a type error gets no rule error of its own', async () => {
    const errors = await errorsOf({ ...VALID, count: '2' });
    expect(errors).toEqual([{ field: 'count', message: expect.stringContaining('integer') }]);
  });

  it('a rule names the items and members it refuses, with the full path', async () => {
    expect(fields(await errorsOf({ ...VALID, codes: ['FR', 'de', 'x'] }))).toEqual([
      'codes[1]',
      'codes[2]',
    ]);
  });

  it('a nested type error hides the rule error on the same member, not on its siblings', async () => {
    const errors = await errorsOf({ ...VALID, point: { x: 'one', y: -1 } });
    expect(fields(errors)).toEqual(['point.x', 'point.y']);
    expect(errors[0].message).toContain('integer');
    expect(errors[1].message).toBe('must be >= 0');
  });

  it('list items are named with brackets, as the domain names them', async () => {
    const errors = await errorsOf({ ...VALID, items: [{ size: 2 }, { size: 3 }, { size: 'x' }] });
    expect(fields(errors)).toEqual(['items[1].size', 'items[2].size']);
  });

  it('a rule across fields joins the type errors of other fields', async () => {
    expect(await errorsOf({ ...VALID, count: 12, label: 7 })).toEqual([
      { field: 'count', message: 'must not exceed limit' },
      { field: 'label', message: expect.stringContaining('string') },
    ]);
  });

  it('a rule across fields waits for the field rules it follows', async () => {
    expect(await errorsOf({ ...VALID, count: 13 })).toEqual([
      { field: 'count', message: 'must be an even integer' },
    ]);
  });

  it('one entry per field, sorted by path with list indexes in numeric order', async () => {
    const codes = Array.from({ length: 12 }, () => 'x');
    const errors = await errorsOf({ ...VALID, codes, count: 'many', label: 7 });
    expect(fields(errors)).toEqual([
      ...codes.map((_, index) => `codes[${index}]`),
      'count',
      'label',
    ]);
    expect(new Set(fields(errors)).size).toBe(errors.length);
  });
});
