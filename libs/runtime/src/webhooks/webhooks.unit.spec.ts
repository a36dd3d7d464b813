import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { postWebhook } from './webhook-post';
import { signWebhook, webhookSecretFor } from './webhook-signature';
import { isPrivateAddress, privateUrlRefusal } from './webhook-url-safety';

describe('webhook signatures (Standard Webhooks)', () => {
  it('signs id.timestamp.body with the secret, as the specification’s example', () => {
    expect(
      signWebhook(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('derives one secret per subscription from the deployment key', () => {
    const key = 'k'.repeat(64);
    expect(webhookSecretFor(key, 'wh-1')).toBe(webhookSecretFor(key, 'wh-1'));
    expect(webhookSecretFor(key, 'wh-1')).not.toBe(webhookSecretFor(key, 'wh-2'));
    expect(webhookSecretFor(key, 'wh-1')).not.toBe(webhookSecretFor('j'.repeat(64), 'wh-1'));
    expect(webhookSecretFor(key, 'wh-1')).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });
});

describe('webhook URLs: private addresses refused unless allowed', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
  ])('%s is private', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['8.8.8.8', '172.32.0.1', '2606:4700::1111'])('%s is public', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );

  it('refuses loopback hosts, by address or by name, unless the operator allows them', async () => {
    expect(await privateUrlRefusal('http://127.0.0.1:8080/x', false)).toMatch(/private/);
    expect(await privateUrlRefusal('http://[::1]/x', false)).toMatch(/private/);
    expect(await privateUrlRefusal('http://localhost/x', false)).toMatch(/private|resolve/);
    expect(await privateUrlRefusal('http://127.0.0.1:8080/x', true)).toBeUndefined();
    expect(await privateUrlRefusal('https://8.8.8.8/x', false)).toBeUndefined();
  });
});

describe('webhook delivery: the address checked is the address called', () => {
  let server: Server;
  let port: number;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        if (request.url === '/silent') return; // never answers
        if (request.url === '/moved') {
          response.writeHead(302, { location: 'http://169.254.169.254/' }).end();
          return;
        }
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (path: string, allowPrivate: boolean, timeoutMs = 2_000) =>
    postWebhook(`http://localhost:${port}${path}`, {
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
      body: '{"n":1}',
      timeoutMs,
      allowPrivate,
    });

  it('posts the body and headers and answers with the status', async () => {
    received.length = 0;
    expect(await post('/hook', true)).toEqual({ statusCode: 204 });
    expect(received).toEqual([
      {
        headers: expect.objectContaining({ 'webhook-id': 'msg_1', 'content-length': '7' }),
        body: '{"n":1}',
      },
    ]);
  });

  it('refuses, when connecting, a name that resolves to a private address (rebinding after the check)', async () => {
    received.length = 0;
    const answer = await post('/hook', false);
    expect(answer).toEqual({ error: expect.stringMatching(/localhost resolved to a private/) });
    expect(received).toEqual([]);
  });

  it('follows no redirect', async () => {
    expect(await post('/moved', true)).toEqual({ statusCode: 302 });
  });

  it('gives up on a receiver that does not answer in time', async () => {
    expect(await post('/silent', true, 300)).toEqual({ error: 'no answer within 300 ms' });
  });
});
