// startExecution / attachExecution / controls against a scripted fetch: headers, tokens, exactly-once re-attach, the
// re-attach failure counter with capped backoff and jitter (mocked timers), and which answers are transient.
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  attachExecution, cancelExecution, createClient, createShareToken, eventSourceUrl, FlowStreamError, getExecution,
  getNodeOutput, isTransientStatus, pauseExecution, reconnectDelay, resumeExecution, startExecution, submitExecution,
} from '../src/index.js';

const frame = (id, type, data = {}) => `id: ${id}\ndata: ${JSON.stringify({ type, data: { executionId: 42, ...data } })}\n\n`;
const all = [
  frame(1, 'executionStarted'), frame(2, 'nodeExecutionBefore', { nodeName: 'A' }), frame(3, 'nodeExecutionAfter', { nodeName: 'A', data: { a: 1 } }),
  frame(4, 'nodeExecutionBefore', { nodeName: 'B' }), frame(5, 'nodeExecutionAfter', { nodeName: 'B' }), frame(6, 'executionFinished', { status: 'success' }),
];

/** A streamed response: sends the chunks on demand, then ends or fails like a dropped connection. */
function sse(chunks, { fail = false, headers = {}, status = 200 } = {}) {
  let next = 0;
  const body = new ReadableStream({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(new TextEncoder().encode(chunks[next++]));
      else if (fail) controller.error(new TypeError('network error'));
      else controller.close();
    },
  });
  return new Response(body, { status, headers: { 'Content-Type': 'text/event-stream', ...headers } });
}

const problem = (status, title = 'Problem', detail = 'it went wrong') =>
  new Response(JSON.stringify({ title, detail, status }), { status, headers: { 'Content-Type': 'application/problem+json' } });

/** A fetch that answers from a script and records every request. */
function scripted(replies) {
  const requests = [];
  const fetch = vi.fn(async (url, init = {}) => {
    requests.push({ url, method: init.method ?? 'GET', headers: { ...init.headers }, body: init.body });
    const reply = replies[requests.length - 1];
    if (!reply) throw new Error(`unexpected request ${requests.length}: ${url}`);
    return reply();
  });
  return { fetch, requests };
}

async function collect(stream) {
  const events = [];
  for await (const event of stream) events.push(event);
  return events;
}

afterEach(() => {
  vi.restoreAllMocks(); // first: a setTimeout spy made under fake timers would otherwise restore the fake one
  vi.useRealTimers();
});

describe('startExecution', () => {
  test('posts the request as JSON and yields typed events with the id and token from the headers', async () => {
    const { fetch, requests } = scripted([() => sse(all, { headers: { 'X-Execution-Id': '42', 'FlowStream-Token': 'tok-1' } })]);
    const run = await startExecution({ flowId: 'f', inputData: { x: 1 } }, { fetch, headers: { Authorization: 'Bearer u' } });
    expect(run.executionId).toBe(42);
    expect(run.token).toBe('tok-1');
    const events = await collect(run);
    expect(events.map((e) => [e.id, e.type])).toEqual([[1, 'executionStarted'], [2, 'nodeExecutionBefore'], [3, 'nodeExecutionAfter'], [4, 'nodeExecutionBefore'], [5, 'nodeExecutionAfter'], [6, 'executionFinished']]);
    expect(events[2].data).toEqual({ executionId: 42, nodeName: 'A', data: { a: 1 } });
    expect(run.finished).toEqual({ executionId: 42, status: 'success' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ url: '/executions/stream', method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', Authorization: 'Bearer u' } });
    expect(JSON.parse(requests[0].body)).toEqual({ flowId: 'f', inputData: { x: 1 } });
  });

  test('fetch is called as a plain function (a browser fetch called as a method throws Illegal invocation)', async () => {
    const responses = [sse(all)];
    const strictFetch = function (url, init) {
      if (this !== undefined && this !== globalThis) throw new TypeError("Failed to execute 'fetch' on 'Window': Illegal invocation");
      return Promise.resolve(responses.shift());
    };
    const events = await collect(await startExecution({ flowId: 'f' }, { fetch: strictFetch }));
    expect(events).toHaveLength(6);
  });

  test('an inline workflow and a base URL with a trailing slash', async () => {
    const { fetch, requests } = scripted([() => sse(all)]);
    const workflow = { id: 'w', name: 'W', nodes: [{ name: 'A', type: 'noOp' }], connections: [] };
    await collect(await startExecution({ workflow, inputData: {} }, { fetch, baseUrl: 'http://host:1/api/executions/' }));
    expect(requests[0].url).toBe('http://host:1/api/executions/stream');
    expect(JSON.parse(requests[0].body).workflow).toEqual(workflow);
  });

  test('without the id header, the id comes from the first event', async () => {
    const { fetch } = scripted([() => sse(all.slice(0, 1), { fail: true }), () => sse(all.slice(1))]);
    const run = await startExecution({ flowId: 'f' }, { fetch, reconnect: { initialDelayMs: 0, jitter: 0 } });
    expect(run.executionId).toBeNull();
    const events = await collect(run);
    expect(run.executionId).toBe(42);
    expect(events).toHaveLength(6);
  });

  test('a refusal rejects with the problem and the request is not repeated', async () => {
    const { fetch } = scripted([() => problem(429, 'Too Many Requests', 'Over the quota.')]);
    const error = await startExecution({ flowId: 'f' }, { fetch }).catch((e) => e);
    expect(error).toBeInstanceOf(FlowStreamError);
    expect(error.status).toBe(429);
    expect(error.message).toBe('429 Too Many Requests: Over the quota.');
    expect(error.problem.detail).toBe('Over the quota.');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test('a response that is not an event stream is an error', async () => {
    const { fetch } = scripted([() => new Response('<html>', { status: 200, headers: { 'Content-Type': 'text/html' } })]);
    await expect(startExecution({ flowId: 'f' }, { fetch })).rejects.toThrow(/text\/event-stream/);
  });

  test('unknown event types pass through; unknown fields are kept; a comment is not an event', async () => {
    const { fetch } = scripted([() => sse([': keepalive\n\n', frame(1, 'executionStarted', { extra: true }), frame(2, 'somethingNew', { x: 1 }), frame(3, 'executionFinished', { status: 'success' })])]);
    const events = await collect(await startExecution({ flowId: 'f' }, { fetch }));
    expect(events.map((e) => e.type)).toEqual(['executionStarted', 'somethingNew', 'executionFinished']);
    expect(events[0].data.extra).toBe(true);
  });

  test('aborting the signal stops reading, does not re-attach, and sends no cancel', async () => {
    const controller = new AbortController();
    const { fetch } = scripted([() => sse(all.slice(0, 2), { fail: true, headers: { 'X-Execution-Id': '42' } })]);
    const run = await startExecution({ flowId: 'f' }, { fetch, signal: controller.signal });
    const seen = [];
    await expect((async () => {
      for await (const event of run) {
        seen.push(event.id);
        if (event.id === 2) controller.abort(new Error('stopped by the test'));
      }
    })()).rejects.toThrow('stopped by the test');
    expect(seen).toEqual([1, 2]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe('re-attach', () => {
  test('a connection dropped in the middle of an event is re-attached with Last-Event-ID and the token; every event once, in order', async () => {
    const cut = all[3].length >> 1;
    const { fetch, requests } = scripted([
      // The start drops after half of event 4: events 1-3 were whole, 4 was not.
      () => sse([all[0] + all[1], all[2] + all[3].slice(0, cut)], { fail: true, headers: { 'X-Execution-Id': '42', 'FlowStream-Token': 'tok' } }),
      // The first re-attach replays 3 (skipped by id) and drops in the middle of 5.
      () => sse([all[2], all[3], all[4].slice(0, 7)], { fail: true }),
      () => sse(all.slice(4)),
    ]);
    const reconnects = [];
    const run = await startExecution({ flowId: 'f' }, { fetch, reconnect: { initialDelayMs: 1, jitter: 0, onReconnect: (info) => reconnects.push(info.attempt) } });
    const events = await collect(run);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(requests.map((r) => [r.method, r.url, r.headers['Last-Event-ID'], r.headers['FlowStream-Token']])).toEqual([
      ['POST', '/executions/stream', undefined, undefined],
      ['GET', '/executions/42/stream', '3', 'tok'],
      ['GET', '/executions/42/stream', '4', 'tok'],
    ]);
    // Each re-attach delivered something new, so the failure count started again each time.
    expect(reconnects).toEqual([1, 1]);
  });

  test('a stream that ends cleanly before executionFinished is re-attached too; 204 afterwards ends the iteration', async () => {
    const { fetch, requests } = scripted([() => sse(all.slice(0, 2), { headers: { 'X-Execution-Id': '42' } }), () => new Response(null, { status: 204 })]);
    const events = await collect(await startExecution({ flowId: 'f' }, { fetch, reconnect: { initialDelayMs: 0 } }));
    expect(events.map((e) => e.id)).toEqual([1, 2]);
    expect(requests).toHaveLength(2);
  });

  test('the failure counter increments with each failed attempt: capped exponential waits with jitter, then it gives up', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const waits = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation((fn, ms, ...rest) => {
      waits.push(ms);
      return realSetTimeout(fn, ms, ...rest);
    });
    const replies = [() => sse(all.slice(0, 2), { fail: true, headers: { 'X-Execution-Id': '42' } })];
    for (let i = 0; i < 20; i++) replies.push(() => { throw new TypeError('connection refused'); });
    const { fetch } = scripted(replies);
    const attempts = [];
    const run = await startExecution({ flowId: 'f' }, {
      fetch,
      reconnect: { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.2, onReconnect: (info) => attempts.push(info.attempt) },
    });
    const outcome = collect(run).then(() => 'completed', (error) => error);
    await vi.advanceTimersByTimeAsync(60_000);
    const error = await Promise.race([outcome, Promise.resolve('still retrying')]);

    expect(attempts).toEqual([1, 2, 3, 4, 5, 6]);
    // 100, 200, 400, 800, then the 1000 cap; each less 0.2 × 0.5 = 10% jitter.
    expect(waits).toEqual([90, 180, 360, 720, 900, 900]);
    expect(error).toBeInstanceOf(FlowStreamError);
    expect(error.message).toMatch(/Lost the event stream of execution 42 after event 2: 6 re-attach attempts in a row failed.*connection refused/);
    expect(error.executionId).toBe(42);
    expect(fetch).toHaveBeenCalledTimes(7);
  });

  test('408, 429 and 5xx answers to a re-attach are retried, like the .NET client', async () => {
    for (const status of [408, 429, 500, 503]) {
      const { fetch } = scripted([
        () => sse(all.slice(0, 2), { fail: true, headers: { 'X-Execution-Id': '42' } }),
        () => problem(status),
        () => sse(all.slice(2)),
      ]);
      const events = await collect(await startExecution({ flowId: 'f' }, { fetch, reconnect: { initialDelayMs: 0 } }));
      expect(events.map((e) => e.id), `status ${status}`).toEqual([1, 2, 3, 4, 5, 6]);
      expect(fetch).toHaveBeenCalledTimes(3);
    }
  });

  test('any other 4xx to a re-attach is fatal at once', async () => {
    for (const status of [400, 401, 403, 404, 410]) {
      const { fetch } = scripted([
        () => sse(all.slice(0, 2), { fail: true, headers: { 'X-Execution-Id': '42' } }),
        () => problem(status, 'Nope', 'Execution 42 was not found.'),
      ]);
      const run = await startExecution({ flowId: 'f' }, { fetch, reconnect: { initialDelayMs: 0 } });
      const error = await collect(run).catch((e) => e);
      expect(error, `status ${status}`).toBeInstanceOf(FlowStreamError);
      expect(error.status).toBe(status);
      expect(error.message).toBe(`${status} Nope: Execution 42 was not found.`);
      expect(fetch).toHaveBeenCalledTimes(2);
    }
  });

  test('isTransientStatus matches FlowStream.Client: 408, 429, 5xx', () => {
    expect([400, 401, 403, 404, 408, 409, 410, 429, 499, 500, 502, 503, 599].filter(isTransientStatus)).toEqual([408, 429, 500, 502, 503, 599]);
  });

  test('maxAttempts 0 turns re-attaching off', async () => {
    const { fetch } = scripted([() => sse(all.slice(0, 2), { fail: true, headers: { 'X-Execution-Id': '42' } })]);
    const run = await startExecution({ flowId: 'f' }, { fetch, reconnect: { maxAttempts: 0 } });
    await expect(collect(run)).rejects.toThrow(/re-attaching is off/);
  });

  test('aborting during the wait between attempts ends at once', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const { fetch } = scripted([() => sse(all.slice(0, 2), { fail: true, headers: { 'X-Execution-Id': '42' } })]);
    const run = await startExecution({ flowId: 'f' }, { fetch, signal: controller.signal, reconnect: { initialDelayMs: 10_000 } });
    const outcome = collect(run).catch((e) => e);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('left the page'));
    expect((await outcome).message).toBe('left the page');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test('reconnectDelay: doubling from the initial wait, capped, less the jitter share', () => {
    const options = { initialDelayMs: 250, maxDelayMs: 5000, jitter: 0.5 };
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => reconnectDelay(a, options, () => 0))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect([1, 2, 6].map((a) => reconnectDelay(a, options, () => 1))).toEqual([125, 250, 2500]);
    expect(reconnectDelay(3, {}, () => 0)).toBe(1000); // defaults: 250 ms doubling, 5 s cap
  });
});

describe('attach and controls', () => {
  test('attachExecution sends Last-Event-ID and the token, and skips what it already has', async () => {
    const { fetch, requests } = scripted([() => sse(all.slice(2))]);
    const run = await attachExecution(42, { fetch, lastEventId: 3, token: 'share' });
    const events = await collect(run);
    expect(events.map((e) => e.id)).toEqual([4, 5, 6]);
    expect(requests[0]).toMatchObject({ url: '/executions/42/stream', method: 'GET', headers: { 'Last-Event-ID': '3', 'FlowStream-Token': 'share' } });
  });

  test('attachExecution to an unknown execution rejects with 404', async () => {
    const { fetch } = scripted([() => problem(404, 'Not Found', 'Execution 7 was not found.')]);
    const error = await attachExecution(7, { fetch }).catch((e) => e);
    expect(error.status).toBe(404);
    expect(error.executionId).toBe(7);
  });

  test('cancel, pause, resume post {} as JSON with the token; status and output read JSON', async () => {
    const summary = () => new Response(JSON.stringify({ executionId: 42, status: 'running' }), { headers: { 'Content-Type': 'application/json' } });
    const { fetch, requests } = scripted([summary, summary, summary, summary, () => new Response('{"big":true}')]);
    const options = { fetch, token: 't', baseUrl: '/x' };
    await cancelExecution(42, options);
    await pauseExecution(42, options);
    await resumeExecution(42, options);
    expect(await getExecution(42, options)).toEqual({ executionId: 42, status: 'running' });
    expect(await getNodeOutput(42, 'Gemini AI', options)).toEqual({ big: true });
    expect(requests.map((r) => [r.method, r.url, r.body, r.headers['Content-Type'], r.headers['FlowStream-Token']])).toEqual([
      ['POST', '/x/42/cancel', '{}', 'application/json', 't'],
      ['POST', '/x/42/pause', '{}', 'application/json', 't'],
      ['POST', '/x/42/resume', '{}', 'application/json', 't'],
      ['GET', '/x/42', undefined, undefined, 't'],
      ['GET', '/x/42/nodes/Gemini%20AI/output', undefined, undefined, 't'],
    ]);
  });

  test('a control of a finished execution rejects with 409', async () => {
    const { fetch } = scripted([() => problem(409, 'Conflict', 'Execution 42 has finished.')]);
    await expect(cancelExecution(42, { fetch })).rejects.toMatchObject({ status: 409 });
  });

  test('createShareToken posts expiresInSeconds and reads the token from any of the tolerated shapes', async () => {
    const bodies = ['{"token":"a","expiresAt":"2026-12-02T06:00:00Z"}', '{"accessToken":"b"}', '"c"'];
    const { fetch, requests } = scripted(bodies.map((b) => () => new Response(b, { headers: { 'Content-Type': 'application/json' } })));
    expect(await createShareToken(42, { fetch, expiresInSeconds: 60 })).toEqual({ token: 'a', expiresAt: '2026-12-02T06:00:00Z' });
    expect(await createShareToken(42, { fetch })).toEqual({ token: 'b', expiresAt: null });
    expect(await createShareToken(42, { fetch })).toEqual({ token: 'c', expiresAt: null });
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/executions/42/tokens', body: '{"expiresInSeconds":60}' });
  });

  test('submitExecution reads the id and accessToken of the 202 body', async () => {
    const { fetch } = scripted([() => new Response('{"executionId":9,"status":"running","accessToken":"x"}', { status: 202, headers: { Location: '/executions/9' } })]);
    expect(await submitExecution({ flowId: 'f' }, { fetch })).toMatchObject({ executionId: 9, token: 'x', location: '/executions/9' });
  });

  test('eventSourceUrl puts the token in access_token', () => {
    expect(eventSourceUrl(42, { token: 'a b', lastEventId: 3 })).toBe('/executions/42/stream?access_token=a+b&lastEventId=3');
    expect(eventSourceUrl(42)).toBe('/executions/42/stream');
  });

  test('createClient binds the options and merges headers', async () => {
    const { fetch, requests } = scripted([() => new Response('{}')]);
    const client = createClient({ fetch, baseUrl: '/api/x', headers: { A: '1' } });
    await client.status(5, { headers: { B: '2' }, token: 'k' });
    expect(requests[0]).toMatchObject({ url: '/api/x/5', headers: { A: '1', B: '2', 'FlowStream-Token': 'k' } });
  });
});
