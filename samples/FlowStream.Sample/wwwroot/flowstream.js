// flowstream.js — a small, dependency-free client for FlowStream's Server-Sent Events endpoints.
// Copy it into any app: it reads a stream with fetch + ReadableStream, parses it by the WHATWG
// event-stream rules, and re-attaches with the last event id when the connection drops.

/**
 * Incremental parser for `text/event-stream` (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * Feed it text chunks as they arrive, in any split: events split across chunks, several events in one chunk,
 * CRLF / LF / CR line ends (also a CRLF split between chunks), comment lines, `id:` tracking.
 */
export class SseParser {
  #buffer = '';
  #pendingCR = false;
  #data = [];
  #eventType = '';
  #firstChunk = true;

  /** The last event id seen (persists across events, as in EventSource). */
  lastEventId = '';

  /** The reconnection time the server asked for with `retry:`, in ms, or null. */
  retry = null;

  /** Number of comment lines seen (heartbeats such as `: keepalive`). */
  comments = 0;

  /**
   * Parses a chunk of text and returns the events it completed:
   * `{ type, data, lastEventId }` where `type` defaults to "message".
   */
  push(chunk) {
    if (this.#firstChunk && chunk.length > 0) {
      this.#firstChunk = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // a leading BOM is ignored
    }
    const events = [];
    let text = chunk;
    if (this.#pendingCR) {
      // The previous chunk ended with CR: a LF starting this one belongs to the same line break.
      this.#pendingCR = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.#buffer += text;
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i++) {
      const c = this.#buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.#buffer.slice(start, i);
      if (c === 13) {
        if (i + 1 < this.#buffer.length) {
          if (this.#buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#pendingCR = true;
        }
      }
      start = i + 1;
      const event = this.#processLine(line);
      if (event) events.push(event);
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  /** Ends the stream: an unterminated event at the end is discarded, as the standard says. */
  end() {
    this.#buffer = '';
    this.#data = [];
    this.#eventType = '';
    this.#pendingCR = false;
  }

  #processLine(line) {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return null;
    }
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    }
    switch (field) {
      case 'data':
        this.#data.push(value);
        break;
      case 'event':
        this.#eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
    return null;
  }

  #dispatch() {
    const type = this.#eventType || 'message';
    this.#eventType = '';
    if (this.#data.length === 0) return null;
    const data = this.#data.join('\n');
    this.#data = [];
    return { type, data, lastEventId: this.lastEventId };
  }
}

/**
 * Starts an execution with `POST {basePath}/stream` and delivers every event exactly once, in order, re-attaching
 * through `GET {basePath}/{id}/stream` with `Last-Event-ID` if the connection drops before `executionFinished`.
 *
 * @param {object} request  `{ flowId, inputData }` or `{ workflow, inputData }`
 * @param {object} [options]
 * @param {(event: {id: number, type: string, data: object}) => void} [options.onEvent]  each FlowStream event
 * @param {(state: 'connecting'|'live'|'reconnecting'|'done'|'failed', detail?: string) => void} [options.onState]
 * @param {(executionId: number) => void} [options.onExecutionId]
 * @param {string} [options.basePath]  where MapExecutionStream() was mapped; default "/executions"
 * @param {number} [options.maxReconnectAttempts]  consecutive failed re-attaches before giving up; default 8
 * @param {AbortSignal} [options.signal]  stops reading (the execution goes on)
 * @returns {Promise<object>} the data of `executionFinished`
 */
export async function runExecution(request, options = {}) {
  const basePath = options.basePath ?? '/executions';
  const onEvent = options.onEvent ?? (() => {});
  const onState = options.onState ?? (() => {});
  const maxAttempts = options.maxReconnectAttempts ?? 8;
  const state = { executionId: null, lastId: 0, finished: null };

  onState('connecting');
  const response = await fetch(`${basePath}/stream`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify(request),
    signal: options.signal,
  });
  if (!response.ok) throw await problemError(response);
  const header = response.headers.get('X-Execution-Id');
  if (header) setExecutionId(Number(header));

  let failures = 0;
  let current = response;
  for (;;) {
    try {
      onState('live');
      await readEvents(current);
      if (state.finished) break;
      throw new Error('The stream ended before executionFinished.');
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (state.finished) break;
      if (state.executionId === null || ++failures > maxAttempts) {
        onState('failed', String(error?.message ?? error));
        throw error;
      }
      onState('reconnecting', String(error?.message ?? error));
      await delay(Math.min(200 * 2 ** (failures - 1), 3000), options.signal);
      try {
        current = await fetch(`${basePath}/${state.executionId}/stream`, {
          headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(state.lastId) },
          signal: options.signal,
        });
      } catch (networkError) {
        current = null;
      }
      if (current && current.status === 204) break; // nothing after our last id: the execution finished
      if (current && !current.ok && current.status >= 400 && current.status < 500) throw await problemError(current);
      if (!current || !current.ok) current = failingResponse();
    }
  }

  onState('done');
  return state.finished;

  function setExecutionId(id) {
    if (state.executionId === null && Number.isFinite(id)) {
      state.executionId = id;
      options.onExecutionId?.(id);
    }
  }

  async function readEvents(res) {
    const parser = new SseParser();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of parser.push(value)) {
          const id = Number(message.lastEventId);
          if (!(id > state.lastId)) continue; // already delivered before a reconnect
          const event = JSON.parse(message.data);
          state.lastId = id;
          failures = 0;
          if (event.type === 'executionStarted') setExecutionId(event.data.executionId);
          onEvent({ id, type: event.type, data: event.data });
          if (event.type === 'executionFinished') {
            state.finished = event.data;
            return;
          }
        }
      }
    } finally {
      parser.end();
      reader.cancel().catch(() => {});
    }
  }
}

/** Sends `POST {basePath}/{id}/{action}` (cancel, pause or resume) and returns the execution's summary. */
export async function controlExecution(executionId, action, basePath = '/executions') {
  const response = await fetch(`${basePath}/${executionId}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  if (!response.ok) throw await problemError(response);
  return response.json();
}

async function problemError(response) {
  let detail = `${response.status} ${response.statusText}`;
  try {
    const problem = await response.json();
    detail = `${response.status} ${problem.title ?? ''}: ${problem.detail ?? ''}`.trim();
    const error = new Error(detail);
    error.problem = problem;
    error.status = response.status;
    return error;
  } catch {
    const error = new Error(detail);
    error.status = response.status;
    return error;
  }
}

function failingResponse() {
  return { body: new ReadableStream({ start(controller) { controller.error(new Error('Re-attach failed.')); } }) };
}

function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
