/**
 * A minimal client of the public HTTP API (v1), as any buyer, producer or operator would write
 * it: bearer keys, JSON bodies, an Idempotency-Key on every POST, problem+json errors thrown.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class ApiError extends Error {
  constructor(
    readonly method: Method,
    readonly path: string,
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(`${method} ${path} → ${status}: ${JSON.stringify(problem)}`);
    this.name = 'ApiError';
  }
}

/** How often a POST that lost a race with another write on its stream is sent again. */
const CONFLICT_RETRIES = 5;

function isConcurrentChange(response: Response, problem: unknown): boolean {
  const detail = (problem as { detail?: unknown } | undefined)?.detail;
  return response.status === 409 && typeof detail === 'string' && /concurrently/.test(detail);
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as Idempotency-Key, so a retried POST never creates a second thing. */
  idempotencyKey?: string;
}

export class ApiClient {
  requests = 0;

  constructor(private readonly baseUrl: string) {}

  /** A view of the API authenticated with one participant's key. */
  as(apiKey: string): Caller {
    return new Caller(this, apiKey);
  }

  async request<T>(
    apiKey: string | null,
    method: Method,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    for (let attempt = 1; ; attempt++) {
      this.requests++;
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      const text = await response.text();
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      if (response.ok) return body as T;
      // A write that lost a race on its stream says so; retried under its Idempotency-Key.
      if (
        attempt < CONFLICT_RETRIES &&
        options.idempotencyKey &&
        isConcurrentChange(response, body)
      )
        continue;
      throw new ApiError(method, path, response.status, body);
    }
  }
}

export class Caller {
  constructor(
    private readonly client: ApiClient,
    private readonly apiKey: string,
  ) {}

  get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    const params = new URLSearchParams(
      Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ).toString();
    return this.client.request<T>(this.apiKey, 'GET', params ? `${path}?${params}` : path);
  }

  post<T>(path: string, body: unknown, idempotencyKey?: string): Promise<T> {
    return this.client.request<T>(this.apiKey, 'POST', path, { body, idempotencyKey });
  }

  /** Every item of a paged list, following `nextAfter` to its last page. */
  async getAll<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T[]> {
    const items: T[] = [];
    let after: string | undefined;
    do {
      const page = await this.get<{ items: T[]; nextAfter?: string | null }>(path, {
        ...query,
        after,
      });
      items.push(...page.items);
      after = page.nextAfter ?? undefined;
    } while (after !== undefined);
    return items;
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.client.request<T>(this.apiKey, 'PUT', path, { body });
  }
}
