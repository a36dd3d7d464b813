import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  validateSync,
  ValidatorOptions,
} from 'class-validator';
import * as fc from 'fast-check';
import { FastAcceptValidator } from './fast-accept-validation';

const IsEven = () =>
  ValidateBy({
    name: 'isEven',
    validator: { validate: (value: unknown) => typeof value === 'number' && value % 2 === 0 },
  });

class PointDto {
  @IsNumber({ allowNaN: false, allowInfinity: false }) lat!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }) lon!: number;
}

class ConstraintsDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsString({ each: true })
  @MaxLength(3, { each: true })
  codes?: string[];
  @IsOptional() @IsBoolean() flag?: boolean;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => PointDto) origin?: PointDto;
}

class OrderDto {
  @IsInt() @Min(1) @Max(100) count!: number;
  @IsString() @MaxLength(5) name!: string;
  @IsOptional() @IsIn(['a', 'b']) kind?: string;
  @IsOptional() @IsEven() even?: number;
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConstraintsDto)
  constraints?: ConstraintsDto;
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PointDto)
  points?: PointDto[];
}

const OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

const scalar = fc.oneof(
  fc.integer({ min: -3, max: 120 }),
  fc.double(),
  fc.constantFrom('a', 'b', 'abcdef', '', 'FR', '😀😀'),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const point = fc.oneof(
  fc.record({ lat: scalar, lon: scalar }, { requiredKeys: [] }),
  fc.record({ lat: fc.double({ noNaN: true, noDefaultInfinity: true }), lon: fc.integer() }),
  scalar,
);
const constraints = fc.oneof(
  fc.record(
    {
      codes: fc.oneof(
        fc.array(fc.oneof(fc.constantFrom('FR', 'EU', 'TOOLONG'), scalar), { maxLength: 3 }),
        scalar,
      ),
      flag: fc.oneof(fc.boolean(), scalar),
      origin: point,
      extra: scalar,
    },
    { requiredKeys: [] },
  ),
  scalar,
);
/** Mostly valid: each field valid most of the time, so both answers are reached often. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: scalar, weight: 1 });
const validPoint = fc.record({
  lat: fc.double({ noNaN: true, noDefaultInfinity: true }),
  lon: fc.integer(),
});
const nearlyValidOrder = fc.record(
  {
    count: mostly(fc.integer({ min: 1, max: 100 })),
    name: mostly(fc.constantFrom('ok', 'abcde')),
    kind: mostly(fc.constantFrom('a', 'b', undefined, null)),
    even: mostly(fc.constantFrom(2, 4)),
    constraints: mostly(
      fc.record(
        {
          codes: mostly(fc.array(fc.constantFrom('FR', 'EU', '😀'), { maxLength: 2 })),
          flag: mostly(fc.boolean()),
          origin: mostly(validPoint),
        },
        { requiredKeys: [] },
      ),
    ),
    points: mostly(fc.array(mostly(validPoint), { minLength: 1, maxLength: 3 })),
  },
  { requiredKeys: ['count', 'name'] },
);
const randomOrder = fc.record(
  {
    count: fc.oneof(fc.integer({ min: 1, max: 100 }), scalar),
    name: fc.oneof(fc.constantFrom('ok', 'abcde', 'abcdef'), scalar),
    kind: fc.oneof(fc.constantFrom('a', 'b', 'c'), scalar),
    even: fc.oneof(fc.constantFrom(2, 4, 3), scalar),
    constraints,
    points: fc.oneof(fc.array(point, { maxLength: 3 }), scalar),
    unknown: scalar,
  },
  { requiredKeys: [] },
);
const order = fc.oneof(nearlyValidOrder, randomOrder);

describe('FastAcceptValidator', () => {
  const fast = new FastAcceptValidator();

  it("accepts exactly what class-validator finds valid, on the pipe's options", () => {
    let accepted = 0;
    fc.assert(
      fc.property(order, (plain) => {
        const instance = plainToInstance(OrderDto, plain);
        const valid = validateSync(instance, OPTIONS).length === 0;
        if (valid) accepted++;
        expect(fast.accepts(instance)).toBe(valid);
      }),
      { numRuns: 3_000 },
    );
    // The generators must reach valid values too, or the property says little.
    expect(accepted).toBeGreaterThan(30);
  });

  it('answers "don\'t know" for a class without rules and for non-objects', () => {
    class Bare {
      name?: string;
    }
    expect(fast.accepts(Object.assign(new Bare(), { name: 'x' }))).toBe(false);
    expect(fast.accepts({ count: 1, name: 'x' })).toBe(false);
    expect(fast.accepts('text')).toBe(false);
    expect(fast.accepts(null)).toBe(false);
  });

  it('covers only the options whose semantics it reproduces', () => {
    expect(FastAcceptValidator.covers(OPTIONS)).toBe(true);
    expect(FastAcceptValidator.covers({ ...OPTIONS, forbidNonWhitelisted: false })).toBe(false);
    expect(FastAcceptValidator.covers({ ...OPTIONS, groups: ['admin'] })).toBe(false);
    expect(FastAcceptValidator.covers({ ...OPTIONS, skipMissingProperties: true })).toBe(false);
  });
});
