import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { getMetadataStorage } from 'class-validator';
import { FIELD_RULE } from '@policloud/http';

/**
 * Every field of every request body names the domain's rule for it (FollowsDomainRule), so a
 * 400 lists rule errors beside type errors: a body DTO added without its rules fails here. A
 * field whose type check is its whole rule (one of a fixed set, a boolean) needs none.
 */

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Class = Function;

const APPS = join(__dirname, '..', 'apps');
const TYPE_IS_THE_RULE = new Set(['isIn', 'isBoolean']);

function controllerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) return controllerFiles(file);
    return entry.name.endsWith('.controller.ts') ? [file] : [];
  });
}

/** The DTO class of each @Body() parameter of each route handler, by `Controller.method`. */
function bodyDtos(): Map<string, Class> {
  const dtos = new Map<string, Class>();
  for (const file of controllerFiles(APPS)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(file) as Record<string, unknown>;
    for (const controller of Object.values(exports)) {
      if (typeof controller !== 'function') continue;
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
          string,
          { index: number }
        >;
        const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ??
          []) as Class[];
        for (const [key, { index }] of Object.entries(args)) {
          if (key.split(':')[0] === String(RouteParamtypes.BODY)) {
            dtos.set(`${controller.name}.${method}`, types[index]);
          }
        }
      }
    }
  }
  return dtos;
}

function fieldsWithoutRule(dto: Class): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false);
  const constraintsOf = new Map<string, string[]>();
  for (const { propertyName, type, name } of metadata) {
    if (type === 'conditionalValidation') continue;
    constraintsOf.set(propertyName, [...(constraintsOf.get(propertyName) ?? []), name ?? type]);
  }
  return [...constraintsOf.entries()]
    .filter(
      ([, names]) =>
        !names.includes(FIELD_RULE) && !names.every((name) => TYPE_IS_THE_RULE.has(name)),
    )
    .map(([property]) => property);
}

describe('request bodies follow the domain rules', () => {
  const dtos = bodyDtos();

  it('finds the body of every write endpoint', () => {
    expect([...dtos.keys()].sort()).toEqual(
      expect.arrayContaining([
        'ComputeOrdersController.place',
        'EnergyOffersController.amend',
        'EnergyOffersController.list',
        'EnergyOffersController.reportCurtailment',
        'MatchingRunsController.run',
        'ParticipantsController.register',
        'SitesController.register',
        'SitesController.scheduleMaintenance',
        'SitesController.setAgreement',
        'SitesController.update',
        'UsageController.amend',
        'UsageController.report',
      ]),
    );
  });

  it.each([...bodyDtos().entries()])('%s: every field names its domain rule', (_, dto) => {
    expect(fieldsWithoutRule(dto)).toEqual([]);
  });
});
