// runExecution() (the page's callback API) against a scripted fetch: the re-attach path, without a browser.
import { test, vi } from 'vitest';
import assert from 'node:assert/strict';
import { controlExecution, runExecution } from '../src/index.js';

const event = (id, type, data = {}) => `id: ${id}\ndata: ${JSON.stringify({ type, data: { executionId: 42, ...data } })}\n\n`;
const all = [
  event(1, 'executionStarted'), event(2, 'nodeExecutionBefore', { nodeName: 'A' }), event(3, 'nodeExecutionAfter', { nodeName: 'A' }),
  event(4, 'nodeExecutionBefore', { nodeName: 'B' }), event(5, 'nodeExecutionAfter', { nodeName: 'B' }), event(6, 'executionFinished', { status: 'success' }),
];

/** A response whose body sends the given chunks, then either ends or fails (a dropped connection). */
function response(chunks, { fail = false, headers = {}, status = 200 } = {}) {
  // Chunks are handed out on demand: erroring a stream discards what is still queued, as a real dropped connection
  // does not (what was received was received).
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

test('a dropped stream is re-attached with Last-Event-ID and every event is delivered once, in order', async () => {
  const requests = [];
  const replies = [
    () => response(all.slice(0, 3), { fail: true, headers: { 'X-Execution-Id': '42' } }), // POST: drops after 3 events
    () => response(all.slice(2, 4), { fail: true }), // first re-attach: repeats 3 (ignored), then drops after 4
    () => response(all.slice(4)), // second re-attach: the rest
  ];
  globalThis.fetch = async (url, init = {}) => {
    requests.push({ url, method: init.method ?? 'GET', lastEventId: init.headers?.['Last-Event-ID'] });
    return replies[requests.length - 1]();
  };
  const states = [];
  const seen = [];
  const finished = await runExecution({ flowId: 'f' }, { onEvent: (e) => seen.push(e.id), onState: (s) => states.push(s) });

  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
  assert.equal(finished.status, 'success');
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.lastEventId]), [
    ['POST', '/executions/stream', undefined],
    ['GET', '/executions/42/stream', '3'],
    ['GET', '/executions/42/stream', '4'],
  ]);
  assert.ok(states.includes('reconnecting'));
  assert.equal(states.at(-1), 'done');
});

test('a 4xx on re-attach ends with that error instead of retrying', async () => {
  let calls = 0;
  globalThis.fetch = async () => {
    calls++;
    if (calls === 1) return response(all.slice(0, 2), { fail: true });
    return new Response(JSON.stringify({ title: 'Not Found', detail: 'Execution 42 was not found.' }), { status: 404, headers: { 'Content-Type': 'application/problem+json' } });
  };
  await assert.rejects(runExecution({ flowId: 'f' }), /404 Not Found: Execution 42 was not found/);
  assert.equal(calls, 2);
});

test('a problem answer to the start request is thrown with its detail', async () => {
  globalThis.fetch = async () => new Response(JSON.stringify({ title: 'Not Found', detail: "Flow 'x' was not found." }), { status: 404 });
  await assert.rejects(runExecution({ flowId: 'x' }), (error) => error.status === 404 && /Flow 'x' was not found/.test(error.message));
});

test('the page client gives up after maxReconnectAttempts failed re-attaches in a row, waiting longer each time (mocked timers)', async () => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0);
  try {
    let calls = 0;
    globalThis.fetch = async () => {
      calls++;
      if (calls === 1) return response(all.slice(0, 2), { fail: true, headers: { 'X-Execution-Id': '42' } });
      throw new TypeError('connection refused');
    };
    const states = [];
    const outcome = runExecution({ flowId: 'f' }, { maxReconnectAttempts: 4, onState: (s) => states.push(s) }).catch((e) => e);
    // 250 + 500 + 1000 + 2000 ms of waits: advance a little less than all of them, then the rest.
    await vi.advanceTimersByTimeAsync(3_700);
    assert.equal(calls, 4, 'three re-attaches by 3.7 s');
    await vi.advanceTimersByTimeAsync(60_000);
    const error = await outcome;
    assert.match(error.message, /4 re-attach attempts in a row failed/);
    assert.equal(calls, 5);
    assert.equal(states.filter((s) => s === 'reconnecting').length, 4);
    assert.equal(states.at(-1), 'failed');
  } finally {
    vi.restoreAllMocks();
    vi.useRealTimers();
  }
});

test('controlExecution presents the execution token that the page\'s runExecution received', async () => {
  const requests = [];
  globalThis.fetch = async (url, init = {}) => {
    requests.push({ url, method: init.method ?? 'GET', token: init.headers?.['FlowStream-Token'], type: init.headers?.['Content-Type'] });
    if (requests.length === 1) return response(all, { headers: { 'X-Execution-Id': '42', 'FlowStream-Token': 'secret-42' } });
    return new Response('{"executionId":42}', { headers: { 'Content-Type': 'application/json' } });
  };
  await runExecution({ flowId: 'f' });
  await controlExecution(42, 'cancel');
  await controlExecution(7, 'pause'); // not started here: no token to present
  assert.deepEqual(requests.slice(1), [
    { url: '/executions/42/cancel', method: 'POST', token: 'secret-42', type: 'application/json' },
    { url: '/executions/7/pause', method: 'POST', token: undefined, type: 'application/json' },
  ]);
});
