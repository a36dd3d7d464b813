import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AddressInfo } from 'node:net';
import { ApiClient, Caller } from '../../scripts/demo/api-client';

/** Puts a booted app on a free local port and returns a client for it, acting as the operator. */
export async function listenWithApi(
  app: NestFastifyApplication,
  operatorKey: string,
): Promise<{ api: ApiClient; operator: Caller }> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const api = new ApiClient(`http://127.0.0.1:${port}`);
  return { api, operator: api.as(operatorKey) };
}
