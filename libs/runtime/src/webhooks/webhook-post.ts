import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { request as httpRequest, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LookupFunction } from 'node:net';
import { isPrivateAddress } from './webhook-url-safety';

export interface WebhookPost {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
}

/** The receiver answered (any status), or why it could not be reached. */
export type WebhookAnswer = { statusCode: number } | { error: string };

/**
 * Resolves the receiver's name for the connection itself and refuses a private address there:
 * a name checked once and resolved again by the HTTP client could point at a public address for
 * the check and at a private one for the call (DNS rebinding). The address checked is the address
 * connected to.
 */
export function publicOnlyLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      const done = callback as (...args: unknown[]) => void;
      if (error) return done(error, options.all ? [] : '', 0);
      const refused = allowPrivate
        ? undefined
        : addresses.find((entry) => isPrivateAddress(entry.address));
      if (refused) {
        const refusal = Object.assign(
          new Error(
            `${hostname} resolved to a private, loopback or link-local address (${refused.address})`,
          ),
          { code: 'EPRIVATEADDRESS' },
        );
        return done(refusal, options.all ? [] : '', 0);
      }
      if (options.all) return done(null, addresses);
      return done(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * POSTs one webhook: no redirect followed, the body read and dropped, the whole exchange bounded
 * by `timeoutMs`; connects only through `publicOnlyLookup` unless private receivers are allowed.
 */
export function postWebhook(url: string, post: WebhookPost): Promise<WebhookAnswer> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...post.headers, 'content-length': Buffer.byteLength(post.body) },
    lookup: publicOnlyLookup(post.allowPrivate),
    agent: false,
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: WebhookAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const call = request(target, options, (response) => {
      response.resume();
      response.on('end', () => finish({ statusCode: response.statusCode ?? 0 }));
      response.on('error', (error) => finish({ error: describe(error) }));
    });
    const timer = setTimeout(() => {
      finish({ error: `no answer within ${post.timeoutMs} ms` });
      call.destroy();
    }, post.timeoutMs);
    call.on('error', (error) => finish({ error: describe(error) }));
    call.end(post.body);
  });
}

function describe(error: Error): string {
  const code = (error as { code?: string }).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
