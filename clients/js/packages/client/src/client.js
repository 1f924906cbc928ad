// Start, attach to, follow and control FlowStream executions over HTTP: fetch + ReadableStream + the SSE parser, with
// exactly-once re-attach (Last-Event-ID) when a connection drops.
import { SseParser } from './sse-parser.js';
import { FlowStreamError, isTransientStatus, problemError } from './errors.js';

/** The header that carries an execution token, both ways. */
export const TOKEN_HEADER = 'FlowStream-Token';
/** The header of a start response that names the new execution. */
export const EXECUTION_ID_HEADER = 'X-Execution-Id';

/**
 * @typedef {object} ReconnectOptions
 * @property {number} [maxAttempts]  re-attach attempts in a row without a new event before giving up; 0 turns re-attach off. Default 5.
 * @property {number} [initialDelayMs]  the wait before the first attempt; each further one waits twice as long. Default 250.
 * @property {number} [maxDelayMs]  the cap of the wait. Default 5000.
 * @property {number} [jitter]  the share of the wait taken off at random (0 to 1), so that many clients do not come back at
 *   once: the wait is `capped × (1 − jitter × random())`. Default 0.5.
 * @property {(info: { attempt: number, delayMs: number, error: unknown }) => void} [onReconnect]  called before each wait.
 */

/**
 * @typedef {object} ClientOptions
 * @property {string} [baseUrl]  where the host mapped `MapExecutionStream()`, absolute or relative to the page. Default "/executions".
 * @property {typeof fetch} [fetch]  the fetch to use (a wrapper that adds auth, a test double). Default the global fetch.
 * @property {Record<string, string>} [headers]  extra headers on every request (an Authorization header, say).
 * @property {ReconnectOptions} [reconnect]  how dropped streams are re-attached.
 */

/**
 * @typedef {object} RequestOptions
 * @property {string | null} [token]  an execution token or share token, sent as the `FlowStream-Token` header (none when null).
 * @property {AbortSignal} [signal]  stops the request, and for a stream the reading (never the execution).
 */

/**
 * @typedef {object} StartRequest
 * @property {string} [flowId]  a stored workflow's id
 * @property {object} [workflow]  an inline workflow definition (when the host allows inline workflows)
 * @property {unknown} [inputData]  the execution's input (`{{ $input... }}` in templates)
 * @property {string} [mode]  default "manual"
 */

/**
 * @typedef {object} Progress
 * @property {number} completed
 * @property {number} total
 * @property {number} percent
 */

/**
 * @typedef {object} ExecutionStartedData
 * @property {number} executionId
 * @property {string} mode
 * @property {string} [workflowId]
 * @property {string} [workflowName]
 * @property {string} [startedAt]
 * @property {number} [totalNodes]
 * @property {number} [parentExecutionId]
 */
/**
 * @typedef {object} NodeExecutionBeforeData
 * @property {number} executionId
 * @property {string} nodeName
 * @property {string} [nodeType]
 * @property {string} [startedAt]
 * @property {number} [attempt]
 */
/**
 * @typedef {object} NodeExecutionAfterData
 * @property {number} executionId
 * @property {string} nodeName
 * @property {'success' | 'error' | 'skipped' | 'canceled'} [status]
 * @property {any} [data]  a success's output (absent when `dataTruncated`)
 * @property {boolean} [dataTruncated]
 * @property {number} [dataBytes]
 * @property {string} [output]  the output it left by, when not `main`
 * @property {{ message: string }} [error]
 * @property {string} [reason]  why a node was skipped: `disabled` or `branchNotTaken`
 * @property {number} [attempt]
 * @property {number} [executionTimeMs]
 * @property {Progress} [progress]
 * @property {number | null} [estimatedRemainingMs]
 */
/**
 * @typedef {object} NodeExecutionProgressData
 * @property {number} executionId
 * @property {string} nodeName
 * @property {any} data  partial output, e.g. `{ delta: "text" }` from a language model
 */
/**
 * @typedef {object} NodeExecutionRetryData
 * @property {number} executionId
 * @property {string} nodeName
 * @property {number} attempt
 * @property {{ message: string }} error
 * @property {number} waitMs
 */
/**
 * @typedef {object} ExecutionFinishedData
 * @property {number} executionId
 * @property {'success' | 'error' | 'canceled'} status
 * @property {string} finishedAt
 * @property {number} [executionTimeMs]
 * @property {{ message: string, nodeName?: string }} [error]
 */

/**
 * One FlowStream event: `id` is its per-execution sequence number. Newer servers may send types not listed here; the
 * client passes them on and `applyEvent` ignores them.
 * @typedef {{ id: number, type: 'executionStarted', data: ExecutionStartedData }
 *   | { id: number, type: 'nodeExecutionBefore', data: NodeExecutionBeforeData }
 *   | { id: number, type: 'nodeExecutionAfter', data: NodeExecutionAfterData }
 *   | { id: number, type: 'nodeExecutionProgress', data: NodeExecutionProgressData }
 *   | { id: number, type: 'nodeExecutionRetry', data: NodeExecutionRetryData }
 *   | { id: number, type: 'executionPaused', data: { executionId: number } }
 *   | { id: number, type: 'executionResumed', data: { executionId: number } }
 *   | { id: number, type: 'executionFinished', data: ExecutionFinishedData }} FlowStreamEvent
 */

const DEFAULT_RECONNECT = Object.freeze({ maxAttempts: 5, initialDelayMs: 250, maxDelayMs: 5000, jitter: 0.5 });

/**
 * The wait before re-attach attempt `attempt` (1, 2, …): `initialDelayMs × 2^(attempt − 1)`, capped at `maxDelayMs`, less a
 * random share (`jitter`) of it.
 * @param {number} attempt
 * @param {ReconnectOptions} [options]
 * @param {() => number} [random]
 * @returns {number}
 */
export function reconnectDelay(attempt, options = {}, random = Math.random) {
  const initial = options.initialDelayMs ?? DEFAULT_RECONNECT.initialDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_RECONNECT.maxDelayMs;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? DEFAULT_RECONNECT.jitter));
  const capped = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(capped * (1 - jitter * random()));
}

/**
 * A running read of one execution's events: iterate it with `for await`. Every event arrives once, in order, also across
 * re-attaches; the iteration ends after `executionFinished`. Breaking out of the loop stops reading, never the execution.
 * @implements {AsyncIterable<FlowStreamEvent>}
 */
export class ExecutionStream {
  /** @type {AsyncGenerator<FlowStreamEvent, void, undefined>} */
  #events;

  /**
   * @param {Settings} settings
   * @param {StreamState} state
   * @param {Response} first
   */
  constructor(settings, state, first) {
    this.#state = state;
    this.#events = readWithReattach(settings, state, first);
  }

  /** @type {StreamState} */
  #state;

  /** The execution's id: from the start response's header, else from the first event; null until known. */
  get executionId() { return this.#state.executionId; }

  /** The execution token the server handed out on start (or the one given to attach); null if none. */
  get token() { return this.#state.token; }

  /** The id of the last event delivered; 0 before the first. */
  get lastEventId() { return this.#state.lastEventId; }

  /** The data of `executionFinished` once it arrived, else null. @returns {ExecutionFinishedData | null} */
  get finished() { return this.#state.finished; }

  /** @returns {AsyncGenerator<FlowStreamEvent, void, undefined>} */
  [Symbol.asyncIterator]() {
    return this.#events;
  }
}

/**
 * @typedef {object} Settings
 * @property {string} baseUrl
 * @property {typeof fetch} fetch
 * @property {Record<string, string>} headers
 * @property {ReconnectOptions} reconnect
 * @property {AbortSignal | undefined} signal
 */
/**
 * @typedef {object} StreamState
 * @property {number | null} executionId
 * @property {string | null} token
 * @property {number} lastEventId
 * @property {ExecutionFinishedData | null} finished
 */

/**
 * Starts an execution with `POST {baseUrl}/stream` and reads its events as they happen.
 * Resolves once the server accepted the start (the response headers arrived); a refusal (400 invalid workflow, 404 unknown
 * flow, 429 over quota…) rejects with a {@link FlowStreamError}. The start request itself is never repeated.
 *
 * @example
 * const run = await startExecution({ flowId: 'sequential', inputData: { customer: 'Ada' } });
 * for await (const event of run) console.log(event.id, event.type, event.data);
 *
 * @param {StartRequest} request
 * @param {ClientOptions & RequestOptions} [options]
 * @returns {Promise<ExecutionStream>}
 */
export async function startExecution(request, options = {}) {
  const settings = resolve(options);
  const response = await settings.fetch(`${settings.baseUrl}/stream`, {
    method: 'POST',
    headers: headers(settings, options.token, { 'Content-Type': 'application/json', Accept: 'text/event-stream' }),
    body: JSON.stringify(request),
    signal: settings.signal,
  });
  if (!response.ok) throw await problemError(response);
  assertEventStream(response, null);
  const id = parseId(response.headers.get(EXECUTION_ID_HEADER));
  const state = { executionId: id, token: response.headers.get(TOKEN_HEADER) ?? options.token ?? null, lastEventId: 0, finished: null };
  return new ExecutionStream(settings, state, response);
}

/**
 * Attaches to a running or recently finished execution with `GET {baseUrl}/{id}/stream`, replaying what came after
 * `lastEventId` (default 0: everything), then following it live. Resolves with a stream that is already done when nothing
 * follows that id (204).
 *
 * @param {number} executionId
 * @param {ClientOptions & RequestOptions & { lastEventId?: number }} [options]
 * @returns {Promise<ExecutionStream>}
 */
export async function attachExecution(executionId, options = {}) {
  const settings = resolve(options);
  const state = { executionId, token: options.token ?? null, lastEventId: options.lastEventId ?? 0, finished: null };
  const response = await settings.fetch(attachUrl(settings, executionId), {
    headers: headers(settings, state.token, { Accept: 'text/event-stream', 'Last-Event-ID': String(state.lastEventId) }),
    signal: settings.signal,
  });
  if (!response.ok) throw await problemError(response, executionId);
  return new ExecutionStream(settings, state, response);
}

/**
 * Starts an execution without streaming (`POST {baseUrl}`, 202 Accepted): its id, its execution token and its summary.
 * @param {StartRequest} request
 * @param {ClientOptions & RequestOptions} [options]
 * @returns {Promise<{ executionId: number, token: string | null, location: string | null, summary: any }>}
 */
export async function submitExecution(request, options = {}) {
  const settings = resolve(options);
  const response = await settings.fetch(settings.baseUrl, {
    method: 'POST',
    headers: headers(settings, options.token, { 'Content-Type': 'application/json', Accept: 'application/json' }),
    body: JSON.stringify(request),
    signal: settings.signal,
  });
  if (!response.ok) throw await problemError(response);
  const summary = await response.json();
  return {
    executionId: summary?.executionId ?? parseId(response.headers.get(EXECUTION_ID_HEADER)),
    token: summary?.accessToken ?? response.headers.get(TOKEN_HEADER) ?? null,
    location: response.headers.get('Location'),
    summary,
  };
}

/**
 * The execution's summary (`GET {baseUrl}/{id}`): status, timestamps, every node's status, output or error.
 * @param {number} executionId
 * @param {ClientOptions & RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function getExecution(executionId, options = {}) {
  return requestJson(executionId, '', 'GET', undefined, options);
}

/**
 * A node's full output (`GET {baseUrl}/{id}/nodes/{name}/output`), for a `nodeExecutionAfter` with `dataTruncated`.
 * @param {number} executionId
 * @param {string} nodeName
 * @param {ClientOptions & RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function getNodeOutput(executionId, nodeName, options = {}) {
  return requestJson(executionId, `/nodes/${encodeURIComponent(nodeName)}/output`, 'GET', undefined, options);
}

/**
 * Cancels a running execution (`POST {baseUrl}/{id}/cancel`); resolves with its summary. A finished one answers 409.
 * @param {number} executionId
 * @param {ClientOptions & RequestOptions} [options]
 * @returns {Promise<any>}
 */
export function cancelExecution(executionId, options = {}) {
  return requestJson(executionId, '/cancel', 'POST', {}, options);
}

/**
 * Pauses a running execution: nodes already running finish, no new one starts until it is resumed.
 * @param {number} executionId
 * @param {ClientOptions & RequestOptions} [options]
 * @returns {Promise<any>}
 */
export function pauseExecution(executionId, options = {}) {
  return requestJson(executionId, '/pause', 'POST', {}, options);
}

/**
 * Resumes a paused execution.
 * @param {number} executionId
 * @param {ClientOptions & RequestOptions} [options]
 * @returns {Promise<any>}
 */
export function resumeExecution(executionId, options = {}) {
  return requestJson(executionId, '/resume', 'POST', {}, options);
}

/**
 * Mints a read-only share token for one execution (`POST {baseUrl}/{id}/tokens`): whoever holds it can stream the run and
 * read its status and outputs, never control it. Needs the owner or the execution token.
 * @param {number} executionId
 * @param {ClientOptions & RequestOptions & { expiresInSeconds?: number }} [options]
 * @returns {Promise<{ token: string, expiresAt: string | null }>}
 */
export async function createShareToken(executionId, options = {}) {
  const body = options.expiresInSeconds === undefined ? {} : { expiresInSeconds: options.expiresInSeconds };
  const answer = await requestJson(executionId, '/tokens', 'POST', body, options);
  // Tolerant of the body's shape: {"token": …}, {"accessToken": …} or a bare JSON string.
  const token = typeof answer === 'string' ? answer : answer?.token ?? answer?.accessToken ?? answer?.shareToken;
  if (typeof token !== 'string' || token === '') {
    throw new FlowStreamError('The server answered the token request without a token.', { executionId });
  }
  return { token, expiresAt: typeof answer === 'object' ? answer?.expiresAt ?? null : null };
}

/**
 * The URL a browser `EventSource` can follow (it cannot send headers): the token goes in `access_token`, the last id in
 * `lastEventId`.
 * @param {number} executionId
 * @param {{ baseUrl?: string, token?: string, lastEventId?: number }} [options]
 * @returns {string}
 */
export function eventSourceUrl(executionId, options = {}) {
  const query = new URLSearchParams();
  if (options.token) query.set('access_token', options.token);
  if (options.lastEventId) query.set('lastEventId', String(options.lastEventId));
  const url = `${trimBase(options.baseUrl)}/${executionId}/stream`;
  return query.size > 0 ? `${url}?${query}` : url;
}

/**
 * The same calls with the options bound once.
 * @param {ClientOptions} [defaults]
 */
export function createClient(defaults = {}) {
  /** @template T @param {T} options @returns {ClientOptions & T} */
  const merge = (options) => ({ ...defaults, ...options, headers: { ...defaults.headers, .../** @type {any} */ (options)?.headers } });
  return {
    /** @param {StartRequest} request @param {RequestOptions} [options] */
    start: (request, options = {}) => startExecution(request, merge(options)),
    /** @param {number} id @param {RequestOptions & { lastEventId?: number }} [options] */
    attach: (id, options = {}) => attachExecution(id, merge(options)),
    /** @param {StartRequest} request @param {RequestOptions} [options] */
    submit: (request, options = {}) => submitExecution(request, merge(options)),
    /** @param {number} id @param {RequestOptions} [options] */
    status: (id, options = {}) => getExecution(id, merge(options)),
    /** @param {number} id @param {string} nodeName @param {RequestOptions} [options] */
    output: (id, nodeName, options = {}) => getNodeOutput(id, nodeName, merge(options)),
    /** @param {number} id @param {RequestOptions} [options] */
    cancel: (id, options = {}) => cancelExecution(id, merge(options)),
    /** @param {number} id @param {RequestOptions} [options] */
    pause: (id, options = {}) => pauseExecution(id, merge(options)),
    /** @param {number} id @param {RequestOptions} [options] */
    resume: (id, options = {}) => resumeExecution(id, merge(options)),
    /** @param {number} id @param {RequestOptions & { expiresInSeconds?: number }} [options] */
    createShareToken: (id, options = {}) => createShareToken(id, merge(options)),
  };
}

// ---- internals ----

/**
 * @param {ClientOptions & RequestOptions} options
 * @returns {Settings}
 */
function resolve(options) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('No fetch: pass options.fetch.');
  return {
    baseUrl: trimBase(options.baseUrl),
    // Called as a plain function: a browser's fetch called as a method of another object throws "Illegal invocation".
    fetch: (input, init) => fetchImpl(input, init),
    headers: options.headers ?? {},
    reconnect: { ...DEFAULT_RECONNECT, ...options.reconnect },
    signal: options.signal,
  };
}

/** @param {string | undefined} baseUrl */
function trimBase(baseUrl) {
  return (baseUrl ?? '/executions').replace(/\/+$/, '');
}

/**
 * @param {Settings} settings
 * @param {string | null | undefined} token
 * @param {Record<string, string>} own
 * @returns {Record<string, string>}
 */
function headers(settings, token, own) {
  /** @type {Record<string, string>} */
  const all = { ...settings.headers, ...own };
  if (token) all[TOKEN_HEADER] = token;
  return all;
}

/** @param {Settings} settings @param {number} executionId */
function attachUrl(settings, executionId) {
  return `${settings.baseUrl}/${executionId}/stream`;
}

/** @param {string | null} value @returns {number | null} */
function parseId(value) {
  if (value === null || !/^[0-9]+$/.test(value.trim())) return null;
  const id = Number(value);
  return id > 0 && Number.isSafeInteger(id) ? id : null;
}

/**
 * @param {number} executionId
 * @param {string} path
 * @param {string} method
 * @param {object | undefined} body
 * @param {ClientOptions & RequestOptions} options
 */
async function requestJson(executionId, path, method, body, options) {
  const settings = resolve(options);
  /** @type {Record<string, string>} */
  const own = { Accept: 'application/json' };
  // Control requests must say they are JSON (the server's cross-site guard), even with an empty object.
  if (body !== undefined) own['Content-Type'] = 'application/json';
  const response = await settings.fetch(`${settings.baseUrl}/${executionId}${path}`, {
    method,
    headers: headers(settings, options.token, own),
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: settings.signal,
  });
  if (!response.ok) throw await problemError(response, executionId);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** @param {Response} response @param {number | null} executionId */
function assertEventStream(response, executionId) {
  const type = response.headers.get('Content-Type') ?? '';
  if (!/^text\/event-stream\b/i.test(type.trim())) {
    throw new FlowStreamError(`The server answered ${response.status} with Content-Type '${type}' where an event stream (text/event-stream) was expected.`, { status: response.status, executionId });
  }
}

/**
 * @param {number} ms
 * @param {AbortSignal | undefined} signal
 * @returns {Promise<void>}
 */
function sleep(ms, signal) {
  return new Promise((resolvePromise, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolvePromise();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Reads the first response, then re-attaches after every transient failure until `executionFinished`, the give-up limit,
 * a fatal answer or the caller's abort.
 * @param {Settings} settings
 * @param {StreamState} state
 * @param {Response} first
 * @returns {AsyncGenerator<FlowStreamEvent, void, undefined>}
 */
async function* readWithReattach(settings, state, first) {
  const { reconnect, signal } = settings;
  const maxAttempts = reconnect.maxAttempts ?? DEFAULT_RECONNECT.maxAttempts;
  /** @type {Response | null} */
  let response = first;
  let failures = 0;
  /** @type {unknown} */
  let lastError = null;
  for (;;) {
    if (response !== null) {
      if (response.status === 204) return; // nothing follows the id we have: the execution finished
      assertEventStream(response, state.executionId);
      try {
        const before = state.lastEventId;
        for await (const event of readEvents(response, state, signal)) {
          if (state.lastEventId > before) failures = 0; // the connection delivered something new: the count starts again
          yield event;
          if (state.finished) return;
        }
        if (signal?.aborted) throw signal.reason;
        lastError = new Error('The stream ended before executionFinished.');
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof FlowStreamError || error instanceof RangeError) throw error; // a bad event: retrying would repeat it
        lastError = error;
      }
      response = null;
    }

    if (state.executionId === null) {
      throw new FlowStreamError(`The event stream dropped before the execution's id was known: ${message(lastError)}`, { cause: lastError });
    }
    if (failures >= maxAttempts) {
      const attempts = maxAttempts === 0 ? 're-attaching is off (maxAttempts is 0)' : `${maxAttempts} re-attach attempts in a row failed without a new event`;
      throw new FlowStreamError(`Lost the event stream of execution ${state.executionId} after event ${state.lastEventId}: ${attempts}. Last error: ${message(lastError)}`, { executionId: state.executionId, cause: lastError });
    }
    failures++;
    const delayMs = reconnectDelay(failures, reconnect);
    reconnect.onReconnect?.({ attempt: failures, delayMs, error: lastError });
    await sleep(delayMs, signal);

    try {
      const answer = await settings.fetch(attachUrl(settings, state.executionId), {
        headers: headers(settings, state.token, { Accept: 'text/event-stream', 'Last-Event-ID': String(state.lastEventId) }),
        signal,
      });
      if (answer.ok) {
        response = answer;
      } else {
        const error = await problemError(answer, state.executionId);
        if (!isTransientStatus(answer.status)) throw error;
        lastError = error;
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof FlowStreamError) throw error;
      lastError = error; // a network failure: another attempt
    }
  }
}

/**
 * Parses one response's body into events, skipping those at or before the last delivered id (a replay after re-attach).
 * @param {Response} response
 * @param {StreamState} state
 * @param {AbortSignal | undefined} signal
 * @returns {AsyncGenerator<FlowStreamEvent, void, undefined>}
 */
async function* readEvents(response, state, signal) {
  if (!response.body) throw new Error('The response has no body.');
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  // Aborting ends a pending read even with a fetch that does not tie the body to the signal.
  const onAbort = () => { reader.cancel(signal?.reason).catch(() => {}); };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const message of parser.push(decoder.decode(value, { stream: true }))) {
        const id = Number(message.lastEventId);
        if (!Number.isSafeInteger(id) || id <= state.lastEventId) continue; // already delivered (or not one of ours)
        let parsed;
        try {
          parsed = JSON.parse(message.data);
        } catch (error) {
          throw new FlowStreamError(`Event ${id} is not JSON: ${message.data.slice(0, 200)}`, { executionId: state.executionId, cause: error });
        }
        if (!parsed || typeof parsed.type !== 'string') continue; // not a FlowStream event: ignored
        const event = /** @type {FlowStreamEvent} */ ({ id, type: parsed.type, data: parsed.data ?? {} });
        state.lastEventId = id;
        if (state.executionId === null && typeof event.data.executionId === 'number') state.executionId = event.data.executionId;
        if (event.type === 'executionFinished') state.finished = event.data;
        yield event;
        if (state.finished) return;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    parser.end();
    reader.cancel().catch(() => {});
  }
}

/** @param {unknown} error */
function message(error) {
  return error instanceof Error ? error.message : String(error);
}
