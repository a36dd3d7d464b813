// The public API as the console calls it: same origin, the pasted key as a bearer token,
// problem+json errors turned into ApiError with the server's own explanation.

const KEY_STORAGE = 'policloud.apiKey';

export class ApiError extends Error {
  constructor(status, problem, path) {
    const detail = problem?.detail ?? problem?.title ?? `HTTP ${status}`;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.path = path;
  }
}

export const apiKey = {
  get: () => sessionStorage.getItem(KEY_STORAGE),
  set: (key) => sessionStorage.setItem(KEY_STORAGE, key),
  clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

function withQuery(path, query = {}) {
  const params = new URLSearchParams(
    Object.entries(query).filter(
      ([, value]) => value !== undefined && value !== null && value !== '',
    ),
  ).toString();
  return params ? `${path}?${params}` : path;
}

/** The raw response (for downloads); throws ApiError when it is not a success. */
export async function fetchRaw(path, query) {
  const url = withQuery(path, query);
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${apiKey.get() ?? ''}`, accept: 'application/json' },
  });
  if (!response.ok) {
    let problem;
    try {
      problem = await response.json();
    } catch {
      problem = undefined;
    }
    throw new ApiError(response.status, problem, url);
  }
  return response;
}

export async function get(path, query) {
  const response = await fetchRaw(path, query);
  return response.json();
}

/** Every item of a paged list, following `nextAfter` to the last page. */
export async function getAll(path, query = {}, limit = 500) {
  const items = [];
  let after;
  do {
    const page = await get(path, { ...query, after, limit });
    items.push(...page.items);
    after = page.nextAfter ?? undefined;
  } while (after !== undefined);
  return items;
}

/** The answer, or undefined when this key may not see it or the route does not exist. */
export async function getIfAvailable(path, query) {
  try {
    return await get(path, query);
  } catch (error) {
    if (error instanceof ApiError && [403, 404, 405, 501].includes(error.status)) return undefined;
    throw error;
  }
}
