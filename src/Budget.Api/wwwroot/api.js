// The API as the page calls it: the session's key in X-Api-Key, ProblemDetails turned into errors.

export const keyStore = "budget.apiKey";

export function headers() {
  const key = sessionStorage.getItem(keyStore);
  return key ? { "X-Api-Key": key } : {};
}

/** An answer of the API other than 2xx; the message carries the status and the ProblemDetails' detail. */
export class ApiError extends Error {
  constructor(status, detail, problem) {
    super(`${status}: ${detail}`);
    this.status = status;
    /** The ProblemDetails as read (with `errors` per field for a validation problem), or null. */
    this.problem = problem;
  }
}

async function failure(response) {
  let detail = response.statusText;
  let problem = null;
  try {
    problem = await response.json();
    // A validation problem names its fields in errors; any other ProblemDetails says it in detail.
    const fields = Object.values(problem.errors ?? {}).flat();
    detail = problem.detail || (fields.length ? fields.join(" ") : problem.title) || detail;
  } catch { /* not JSON */ }
  return new ApiError(response.status, detail, problem);
}

/**
 * A request to the API, with the session's key unless another is given (sign-in tries a key before keeping it).
 * `body` is an object (sent as JSON) or, for amounts that must not pass through a binary number, JSON text.
 * Answers {body, etag}; throws ApiError on anything but 2xx.
 */
export async function request(path, { method = "GET", body, key, ifMatch } = {}) {
  const sent = key === undefined ? headers() : { "X-Api-Key": key };
  if (body !== undefined) sent["Content-Type"] = "application/json";
  if (ifMatch) sent["If-Match"] = ifMatch;
  const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  const response = await fetch(path, { method, headers: sent, body: text });
  if (!response.ok) throw await failure(response);
  return { body: await response.json(), etag: response.headers.get("ETag") };
}

/** A JSON request to the API; answers the body. */
export async function api(path, options = {}) {
  return (await request(path, options)).body;
}

/** A file of the API (an export) with the session's key; throws ApiError on anything but 2xx. */
export async function download(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  return response.blob();
}
