/**
 * THE REFERENCE of bench/api, not part of the marketplace: what a NestJS team would write for
 * "place an order" without event sourcing. NestJS on Fastify, class-validator DTOs through the
 * global ValidationPipe (unknown fields rejected), a guard that looks the bearer key's SHA-256
 * hash up with TypeORM, and one INSERT of the order as a row in PostgreSQL before the 201.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Module, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CrudApiKeyGuard, CrudComputeOrdersController } from './crud-reference.controller';
import { CrudApiKeyRow, CrudComputeOrderRow } from './crud-reference.entities';

/** Same pool size as the marketplace's event store (libs/event-store PgExecutor). */
const POOL_SIZE = 20;

export interface CrudReference {
  app: NestFastifyApplication;
  /** A buyer's API key, stored as its hash. */
  buyerKey: string;
  ordersStored(): Promise<number>;
}

export async function bootCrudReference(
  databaseUrl: string,
  schema: string,
): Promise<CrudReference> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: databaseUrl,
        schema,
        entities: [CrudApiKeyRow, CrudComputeOrderRow],
        synchronize: true,
        logging: false,
        extra: { max: POOL_SIZE },
      }),
      TypeOrmModule.forFeature([CrudApiKeyRow, CrudComputeOrderRow]),
    ],
    controllers: [CrudComputeOrdersController],
    providers: [CrudApiKeyGuard],
  })
  class CrudReferenceModule {}

  const app = await NestFactory.create<NestFastifyApplication>(
    CrudReferenceModule,
    new FastifyAdapter({ bodyLimit: 256 * 1024 }),
    { logger: false },
  );
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  await app.init();
  const buyerKey = `crud-${randomUUID()}`;
  const dataSource = app.get(DataSource);
  await dataSource.getRepository(CrudApiKeyRow).insert({
    keyHash: createHash('sha256').update(buyerKey, 'utf8').digest('hex'),
    participantId: randomUUID(),
    roles: ['buyer'],
  });
  return {
    app,
    buyerKey,
    ordersStored: () => dataSource.getRepository(CrudComputeOrderRow).count(),
  };
}
