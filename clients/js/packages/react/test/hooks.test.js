// @vitest-environment jsdom
// useExecutionStream and useExecution with renderHook: node updates through setNodes (new objects, unchanged nodes kept),
// one update per burst, StrictMode starting one execution, unmount stopping the reading and never the execution.
import { StrictMode, createElement, useCallback, useState } from 'react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { nodesWithState, useExecution, useExecutionStream } from '../src/index.js';
import { createExecutionState } from '@flowstream/client';

const frame = (id, type, data = {}) => `id: ${id}\ndata: ${JSON.stringify({ type, data: { executionId: 42, ...data } })}\n\n`;

/** A streamed response the test feeds chunk by chunk. */
function controllable(headers = {}) {
  let controller;
  const body = new ReadableStream({ start(c) { controller = c; } });
  const encoder = new TextEncoder();
  return {
    response: new Response(body, { headers: { 'Content-Type': 'text/event-stream', 'X-Execution-Id': '42', ...headers } }),
    push: (text) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
  };
}

/** A fetch that hands out the given responses in order and records the requests (with their signals). */
function fakeFetch(replies) {
  const requests = [];
  const fetch = vi.fn(async (url, init = {}) => {
    requests.push({ url, method: init.method ?? 'GET', headers: { ...init.headers }, body: init.body, signal: init.signal });
    const reply = replies[requests.length - 1];
    if (!reply) throw new Error(`unexpected request ${url}`);
    return typeof reply === 'function' ? reply() : reply;
  });
  return { fetch, requests };
}

const initialNodes = () => [
  { id: 'n1', position: { x: 0, y: 0 }, data: { name: 'Trigger', label: 'Trigger' } },
  { id: 'Set', position: { x: 1, y: 0 }, data: { label: 'Set' } }, // matched by id: no data.name
  { id: 'n3', position: { x: 2, y: 0 }, data: { name: 'Untouched', status: 'success', output: { old: true } } },
];

/** The hook over real React state, counting the setNodes calls it makes. */
function useHarness(options) {
  const [nodes, setNodes] = useState(initialNodes);
  const [calls] = useState(() => ({ count: 0 }));
  const counted = useCallback((update) => {
    calls.count++;
    expect(typeof update).toBe('function'); // always a functional updater
    setNodes(update);
  }, [calls]);
  const stream = useExecutionStream(nodes, counted, options);
  return { nodes, calls, ...stream };
}

afterEach(() => vi.useRealTimers());

describe('useExecutionStream', () => {
  test('execute starts the flow; nodes go running then success with output; unchanged nodes keep their identity', async () => {
    const s = controllable({ 'FlowStream-Token': 'tok' });
    const { fetch, requests } = fakeFetch([s.response]);
    const { result } = renderHook(() => useHarness({ fetch, batchMs: 0 }));
    const before = result.current.nodes;
    let finished;
    act(() => { finished = result.current.execute('sequential', { customer: 'Ada' }); });
    expect(result.current.isExecuting).toBe(true);
    // execute() reset every node to idle: the one that had a status became a new object, the others... also gain status.
    await waitFor(() => expect(result.current.executionId).toBe(42));
    expect(requests[0]).toMatchObject({ url: '/executions/stream', method: 'POST' });
    expect(JSON.parse(requests[0].body)).toEqual({ flowId: 'sequential', inputData: { customer: 'Ada' } });
    expect(result.current.nodes.map((n) => n.data.status)).toEqual(['idle', 'idle', 'idle']);
    expect(result.current.nodes[2].data.output).toBeUndefined();

    const idle = result.current.nodes;
    await act(async () => { s.push(frame(1, 'executionStarted', { totalNodes: 2 }) + frame(2, 'nodeExecutionBefore', { nodeName: 'Trigger' })); });
    await waitFor(() => expect(result.current.nodes[0].data.status).toBe('running'));
    expect(result.current.nodes[0]).not.toBe(idle[0]);
    expect(result.current.nodes[1]).toBe(idle[1]);
    expect(result.current.nodes[2]).toBe(idle[2]);
    expect(result.current.nodes[0].data.label).toBe('Trigger'); // other fields kept
    expect(result.current.nodes[0].position).toBe(before[0].position);

    await act(async () => {
      s.push(frame(3, 'nodeExecutionAfter', { nodeName: 'Trigger', status: 'success', data: { customer: 'Ada' }, progress: { completed: 1, total: 2, percent: 50 }, estimatedRemainingMs: 900 }));
    });
    await waitFor(() => expect(result.current.nodes[0].data.status).toBe('success'));
    expect(result.current.nodes[0].data.output).toEqual({ customer: 'Ada' });
    expect(result.current.progress).toEqual({ completed: 1, total: 2, percent: 50 });
    expect(result.current.etaMs).toBe(900);

    await act(async () => {
      s.push(frame(4, 'nodeExecutionBefore', { nodeName: 'Set' }) + frame(5, 'nodeExecutionProgress', { nodeName: 'Set', data: { delta: 'Hi ' } }) + frame(6, 'nodeExecutionProgress', { nodeName: 'Set', data: { delta: 'there' } }));
    });
    await waitFor(() => expect(result.current.nodes[1].data.text).toBe('Hi there'));
    await act(async () => {
      s.push(frame(7, 'nodeExecutionAfter', { nodeName: 'Set', status: 'error', error: { message: 'boom' }, progress: { completed: 2, total: 2, percent: 100 } }) + frame(8, 'executionFinished', { status: 'error', finishedAt: 'now' }));
    });
    await expect(finished).resolves.toEqual({ executionId: 42, status: 'error', finishedAt: 'now' });
    await waitFor(() => expect(result.current.isExecuting).toBe(false));
    expect(result.current.nodes[1].data).toMatchObject({ status: 'error', error: 'boom', text: 'Hi there', label: 'Set' });
    expect(result.current.status).toBe('error');
    expect(result.current.error).toBeNull();
  });

  test('a burst of events is one setNodes call', async () => {
    const s = controllable();
    const { fetch } = fakeFetch([s.response]);
    const { result } = renderHook(() => useHarness({ fetch, batchMs: 5 }));
    act(() => { result.current.execute('f'); });
    await waitFor(() => expect(result.current.executionId).toBe(42));
    const callsBefore = result.current.calls.count;
    await act(async () => {
      s.push(frame(1, 'executionStarted') + frame(2, 'nodeExecutionBefore', { nodeName: 'Trigger' }) + frame(3, 'nodeExecutionAfter', { nodeName: 'Trigger', data: {} }) + frame(4, 'nodeExecutionBefore', { nodeName: 'Set' }));
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(result.current.calls.count - callsBefore).toBe(1);
    expect(result.current.nodes.map((n) => n.data.status)).toEqual(['success', 'running', 'idle']);
  });

  test('under StrictMode one execute() starts one execution, and the result is right', async () => {
    const s = controllable();
    const { fetch, requests } = fakeFetch([s.response]);
    const { result } = renderHook(() => useHarness({ fetch, batchMs: 0 }), { wrapper: ({ children }) => createElement(StrictMode, null, children) });
    let finished;
    act(() => { finished = result.current.execute('f'); });
    await act(async () => {
      s.push(frame(1, 'executionStarted') + frame(2, 'nodeExecutionBefore', { nodeName: 'Trigger' }) + frame(3, 'nodeExecutionAfter', { nodeName: 'Trigger', data: { ok: 1 } }) + frame(4, 'executionFinished', { status: 'success' }));
    });
    await expect(finished).resolves.toMatchObject({ status: 'success' });
    expect(requests).toHaveLength(1);
    await waitFor(() => expect(result.current.nodes[0].data).toMatchObject({ status: 'success', output: { ok: 1 } }));
  });

  test('unmount stops reading and sends no cancel; execute() resolves null', async () => {
    const s = controllable();
    const { fetch, requests } = fakeFetch([s.response]);
    const { result, unmount } = renderHook(() => useHarness({ fetch, batchMs: 0 }));
    let finished;
    act(() => { finished = result.current.execute('f'); });
    await act(async () => { s.push(frame(1, 'executionStarted') + frame(2, 'nodeExecutionBefore', { nodeName: 'Trigger' })); });
    await waitFor(() => expect(result.current.nodes[0].data.status).toBe('running'));
    const calls = result.current.calls.count;
    unmount();
    expect(requests[0].signal.aborted).toBe(true);
    await expect(finished).resolves.toBeNull();
    expect(requests).toHaveLength(1); // no cancel request: the execution goes on
    expect(result.current.calls.count).toBe(calls);
  });

  test('a second execute() stops reading the first run (never canceling it) and shows only the new one', async () => {
    const a = controllable();
    const b = controllable({ 'X-Execution-Id': '43' });
    const { fetch, requests } = fakeFetch([a.response, b.response]);
    const { result } = renderHook(() => useHarness({ fetch, batchMs: 0 }));
    let firstRun;
    act(() => { firstRun = result.current.execute('f'); });
    await act(async () => { a.push(frame(1, 'executionStarted') + frame(2, 'nodeExecutionBefore', { nodeName: 'Trigger' })); });
    await waitFor(() => expect(result.current.nodes[0].data.status).toBe('running'));
    act(() => { result.current.execute('g'); });
    await expect(firstRun).resolves.toBeNull();
    expect(requests[0].signal.aborted).toBe(true);
    await waitFor(() => expect(result.current.executionId).toBe(43));
    expect(result.current.nodes[0].data.status).toBe('idle');
    expect(requests.map((r) => [r.method, r.url])).toEqual([['POST', '/executions/stream'], ['POST', '/executions/stream']]);
  });

  test('cancel, pause and resume post to the execution with its token', async () => {
    const s = controllable({ 'FlowStream-Token': 'tok-9' });
    const ok = () => new Response('{"executionId":42}', { headers: { 'Content-Type': 'application/json' } });
    const { fetch, requests } = fakeFetch([s.response, ok, ok, ok]);
    const { result } = renderHook(() => useHarness({ fetch, baseUrl: '/api/executions' }));
    act(() => { result.current.execute('f'); });
    await act(async () => {
      await result.current.pause();
      await result.current.resume();
      await result.current.cancel();
    });
    expect(requests.slice(1).map((r) => [r.method, r.url, r.headers['FlowStream-Token']])).toEqual([
      ['POST', '/api/executions/42/pause', 'tok-9'],
      ['POST', '/api/executions/42/resume', 'tok-9'],
      ['POST', '/api/executions/42/cancel', 'tok-9'],
    ]);
  });

  test('a refused start rejects execute() and sets error; isExecuting goes back to false', async () => {
    const { fetch } = fakeFetch([new Response('{"title":"Not Found","detail":"Flow \'x\' was not found."}', { status: 404 })]);
    const { result } = renderHook(() => useHarness({ fetch }));
    let outcome;
    await act(async () => { outcome = await result.current.execute('x').catch((e) => e); });
    expect(outcome.status).toBe(404);
    expect(result.current.error?.message).toMatch(/Flow 'x' was not found/);
    expect(result.current.isExecuting).toBe(false);
  });
});

describe('useExecution', () => {
  test('follows a run with its share token, also under StrictMode (the first effect is aborted), and stops on unmount', async () => {
    const streams = [];
    const { fetch, requests } = fakeFetch([0, 1].map(() => () => {
      const s = controllable();
      streams.push(s);
      return s.response;
    }));
    const { result, unmount } = renderHook(() => useExecution(42, { token: 'share', fetch, batchMs: 0 }), { wrapper: ({ children }) => createElement(StrictMode, null, children) });
    await waitFor(() => expect(streams.length).toBeGreaterThan(0));
    const last = () => streams[streams.length - 1];
    await waitFor(() => expect(requests.at(-1).signal.aborted).toBe(false));
    expect(requests.every((r) => r.url === '/executions/42/stream' && r.headers['FlowStream-Token'] === 'share' && r.headers['Last-Event-ID'] === '0')).toBe(true);
    expect(requests.slice(0, -1).every((r) => r.signal.aborted)).toBe(true); // StrictMode's first effect was cleaned up
    expect(result.current.isFollowing).toBe(true);
    await act(async () => { last().push(frame(1, 'executionStarted') + frame(2, 'nodeExecutionBefore', { nodeName: 'Trigger' })); });
    await waitFor(() => expect(result.current.nodes.Trigger?.status).toBe('running'));
    expect(result.current.status).toBe('running');
    const lastRequest = requests.at(-1);
    unmount();
    expect(lastRequest.signal.aborted).toBe(true);
  });

  test('no id, no connection; the run ends with its status', async () => {
    const s = controllable();
    const { fetch, requests } = fakeFetch([s.response]);
    const { result, rerender } = renderHook(({ id }) => useExecution(id, { fetch, batchMs: 0 }), { initialProps: { id: null } });
    expect(requests).toHaveLength(0);
    expect(result.current.isFollowing).toBe(false);
    rerender({ id: 42 });
    await waitFor(() => expect(requests).toHaveLength(1));
    await act(async () => { s.push(frame(1, 'executionStarted') + frame(2, 'executionFinished', { status: 'canceled' })); });
    await waitFor(() => expect(result.current.isFollowing).toBe(false));
    expect(result.current.status).toBe('canceled');
  });
});

describe('nodesWithState', () => {
  test('same array when nothing changes; new objects only for changed nodes', () => {
    const nodes = [{ id: 'A', data: { status: 'idle', text: '' } }, { id: 'B', data: { name: 'b' } }];
    const state = createExecutionState({ nodes: [{ name: 'A' }] });
    const once = nodesWithState(nodes, state);
    expect(once[0]).toBe(nodes[0]);
    expect(once[1]).not.toBe(nodes[1]);
    expect(once[1].data).toEqual({ name: 'b', status: 'idle', output: undefined, error: undefined, text: '', attempt: undefined });
    expect(nodesWithState(once, state)).toBe(once);
  });
});
