import { ValueTransformer } from 'typeorm';

/** bigint columns (positions, Wh, minor units) come back as strings or BigInt: read them as numbers. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | bigint | number | null) => (value === null ? null : Number(value)),
};
