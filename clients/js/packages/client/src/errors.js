// Errors the client throws, and the rule that tells a transient failure from a fatal one.

/**
 * An error answer from the server (its `application/problem+json` body in `problem` when it sent one), a stream that
 * could not be re-attached, or a response that is not an event stream.
 */
export class FlowStreamError extends Error {
  /**
   * @param {string} message
   * @param {{ status?: number, problem?: any, executionId?: number | null, cause?: unknown }} [details]
   */
  constructor(message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'FlowStreamError';
    /** The HTTP status of the answer, when the error is one. @type {number | undefined} */
    this.status = details.status;
    /** The parsed problem details body, when the server sent one. @type {any} */
    this.problem = details.problem;
    /** The execution the error is about, when known: attach to it again later. @type {number | null} */
    this.executionId = details.executionId ?? null;
  }
}

/**
 * Whether an HTTP status is worth another attempt, the .NET client's rule (FlowStream.Client `ProblemResponses.IsTransient`):
 * 408 Request Timeout, 429 Too Many Requests and every 5xx are transient; any other error status is fatal.
 * @param {number} status
 * @returns {boolean}
 */
export function isTransientStatus(status) {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Builds the error for a failed response, reading its problem details when the body is JSON.
 * @param {Response} response
 * @param {number | null} [executionId]
 * @returns {Promise<FlowStreamError>}
 */
export async function problemError(response, executionId = null) {
  let problem;
  try {
    const text = await response.text();
    problem = text ? JSON.parse(text) : undefined;
  } catch {
    problem = undefined;
  }
  const reason = response.statusText || statusText(response.status);
  let message = `${response.status} ${reason}`;
  if (problem && typeof problem === 'object') {
    const title = typeof problem.title === 'string' ? problem.title : reason;
    message = typeof problem.detail === 'string' ? `${response.status} ${title}: ${problem.detail}` : `${response.status} ${title}`;
  }
  return new FlowStreamError(message, { status: response.status, problem, executionId });
}

/** @param {number} status */
function statusText(status) {
  /** @type {Record<number, string>} */
  const known = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 413: 'Content Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };
  return known[status] ?? 'Error';
}
