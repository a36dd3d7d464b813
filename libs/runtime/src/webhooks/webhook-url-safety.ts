import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Whether an IP address is one a webhook may not call unless the operator allows it: loopback,
 * private (RFC 1918, ULA), link-local (cloud metadata), CGNAT, unspecified, multicast, reserved.
 */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]);
  if (isIP(address) === 4) {
    const [a, b] = address.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  const lower = address.toLowerCase();
  return (
    lower === '::' ||
    lower === '::1' ||
    /^f[cd]/.test(lower) ||
    /^fe[89ab]/.test(lower) ||
    /^ff/.test(lower)
  );
}

/**
 * Why a webhook may not call `url` (its host is, or resolves to, a private address), or
 * undefined when it may. Checked when a subscription is made and again before each delivery
 * (a name may come to resolve elsewhere).
 */
export async function privateUrlRefusal(
  url: string,
  allowPrivate: boolean,
): Promise<string | undefined> {
  if (allowPrivate) return undefined;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true })).map((entry) => entry.address);
    } catch {
      return `its host ${host} does not resolve`;
    }
  }
  const refused = addresses.find(isPrivateAddress);
  return refused
    ? `its host ${host} is a private, loopback or link-local address (${refused}); ` +
        'webhooks call public addresses only (WEBHOOK_ALLOW_PRIVATE_URLS)'
    : undefined;
}
