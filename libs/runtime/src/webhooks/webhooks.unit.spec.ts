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
