// applyEvent / createExecutionState: every event type, replays and unknown types ignored, inputs never mutated.
import { describe, expect, test } from 'vitest';
import { applyEvent, createExecutionState } from '../src/index.js';

const workflow = { nodes: [{ name: 'Trigger' }, { name: 'Gemini AI' }, { name: 'After' }] };
let seq = 0;
const ev = (type, data = {}) => ({ id: ++seq, type, data: { executionId: 7, ...data } });

/** Deep-freezes a state so that any mutation by the reducer throws. */
function frozen(value) {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const v of Object.values(value)) frozen(v);
  }
  return value;
}

function run(events, initial = createExecutionState(workflow)) {
  return events.reduce((state, event) => applyEvent(frozen(state), event), initial);
}

describe('createExecutionState', () => {
  test('every node of the workflow idle; no workflow gives no nodes', () => {
    expect(createExecutionState(workflow)).toEqual({
      executionId: null, status: 'idle', progress: null, etaMs: null, lastEventId: 0, startedAt: null, finishedAt: null, error: null,
      nodes: { Trigger: { status: 'idle', text: '' }, 'Gemini AI': { status: 'idle', text: '' }, After: { status: 'idle', text: '' } },
    });
    expect(createExecutionState().nodes).toEqual({});
  });
});

describe('applyEvent', () => {
  test('executionStarted: running, the id, the start time, progress from totalNodes', () => {
    const s = run([ev('executionStarted', { mode: 'manual', startedAt: '2026-12-02T05:00:00Z', totalNodes: 3 })]);
    expect(s).toMatchObject({ executionId: 7, status: 'running', startedAt: '2026-12-02T05:00:00Z', progress: { completed: 0, total: 3, percent: 0 }, lastEventId: seq });
  });

  test('nodeExecutionBefore: running with its attempt, earlier text cleared', () => {
    const s = run([ev('nodeExecutionBefore', { nodeName: 'Trigger', attempt: 2 })]);
    expect(s.nodes.Trigger).toEqual({ status: 'running', text: '', attempt: 2 });
    expect(run([ev('nodeExecutionBefore', { nodeName: 'Trigger' })]).nodes.Trigger.attempt).toBe(1);
  });

  test('nodeExecutionProgress: deltas join into text; the last partial is kept', () => {
    const s = run([
      ev('nodeExecutionBefore', { nodeName: 'Gemini AI' }),
      ev('nodeExecutionProgress', { nodeName: 'Gemini AI', data: { delta: 'Hel' } }),
      ev('nodeExecutionProgress', { nodeName: 'Gemini AI', data: { delta: 'lo' } }),
      ev('nodeExecutionProgress', { nodeName: 'Gemini AI', data: { percent: 50 } }),
    ]);
    expect(s.nodes['Gemini AI']).toMatchObject({ status: 'running', text: 'Hello', partial: { percent: 50 } });
  });

  test('nodeExecutionRetry: the failed attempt and the wait', () => {
    const s = run([ev('nodeExecutionBefore', { nodeName: 'After' }), ev('nodeExecutionRetry', { nodeName: 'After', attempt: 1, waitMs: 500, error: { message: 'flaky' } })]);
    expect(s.nodes.After).toMatchObject({ status: 'running', retry: { attempt: 1, waitMs: 500, error: 'flaky' } });
  });

  test('nodeExecutionAfter success: output, attempt, time, progress and ETA', () => {
    const s = run([
      ev('nodeExecutionBefore', { nodeName: 'Trigger' }),
      ev('nodeExecutionAfter', { nodeName: 'Trigger', status: 'success', data: { customer: 'Ada' }, attempt: 1, executionTimeMs: 3, progress: { completed: 1, total: 3, percent: 33 }, estimatedRemainingMs: 1200 }),
    ]);
    expect(s.nodes.Trigger).toEqual({ status: 'success', text: '', attempt: 1, output: { customer: 'Ada' }, executionTimeMs: 3 });
    expect(s.progress).toEqual({ completed: 1, total: 3, percent: 33 });
    expect(s.etaMs).toBe(1200);
  });

  test('nodeExecutionAfter without status (the seed) is a success; with error and no status an error', () => {
    expect(run([ev('nodeExecutionAfter', { nodeName: 'Trigger', data: { a: 1 } })]).nodes.Trigger).toMatchObject({ status: 'success', output: { a: 1 } });
    expect(run([ev('nodeExecutionAfter', { nodeName: 'Trigger', error: { message: 'x' } })]).nodes.Trigger).toMatchObject({ status: 'error', error: 'x' });
  });

  test('nodeExecutionAfter error keeps the streamed text and gives the message', () => {
    const s = run([
      ev('nodeExecutionBefore', { nodeName: 'Gemini AI' }),
      ev('nodeExecutionProgress', { nodeName: 'Gemini AI', data: { delta: 'partial' } }),
      ev('nodeExecutionAfter', { nodeName: 'Gemini AI', status: 'error', error: { message: 'API key not configured' }, progress: { completed: 2, total: 3, percent: 66 } }),
    ]);
    expect(s.nodes['Gemini AI']).toMatchObject({ status: 'error', error: 'API key not configured', text: 'partial' });
    expect(s.nodes['Gemini AI'].output).toBeUndefined();
  });

  test('nodeExecutionAfter skipped and canceled, with reason; the last node ends the ETA', () => {
    const s = run([
      ev('nodeExecutionAfter', { nodeName: 'After', status: 'skipped', reason: 'branchNotTaken', progress: { completed: 3, total: 3, percent: 100 }, estimatedRemainingMs: 0 }),
      ev('nodeExecutionAfter', { nodeName: 'Trigger', status: 'canceled' }),
    ]);
    expect(s.nodes.After).toMatchObject({ status: 'skipped', reason: 'branchNotTaken' });
    expect(s.nodes.Trigger.status).toBe('canceled');
    expect(s.etaMs).toBeNull();
  });

  test('a truncated output is flagged, not stored; a named output is kept', () => {
    const s = run([ev('nodeExecutionAfter', { nodeName: 'Trigger', status: 'success', dataTruncated: true, dataBytes: 100000, output: 'true' })]);
    expect(s.nodes.Trigger).toMatchObject({ status: 'success', outputTruncated: true, outputName: 'true' });
    expect('output' in s.nodes.Trigger).toBe(false);
  });

  test('executionPaused and executionResumed', () => {
    const paused = run([ev('executionStarted'), ev('executionPaused')]);
    expect(paused.status).toBe('paused');
    expect(run([ev('executionResumed')], paused).status).toBe('running');
  });

  test('executionFinished: its status and time, the error, running nodes canceled, idle nodes left idle', () => {
    const s = run([
      ev('executionStarted'),
      ev('nodeExecutionBefore', { nodeName: 'Trigger' }),
      ev('executionFinished', { status: 'canceled', finishedAt: '2026-12-02T05:00:01Z', error: { message: 'Canceled.' } }),
    ]);
    expect(s).toMatchObject({ status: 'canceled', finishedAt: '2026-12-02T05:00:01Z', error: 'Canceled.', etaMs: null });
    expect(s.nodes.Trigger.status).toBe('canceled');
    expect(s.nodes.After.status).toBe('idle');
  });

  test('a node the workflow did not list is added', () => {
    expect(run([ev('nodeExecutionBefore', { nodeName: 'Child' })], createExecutionState()).nodes.Child.status).toBe('running');
  });

  test('unknown event types and events without a node name give back the very same state', () => {
    const s = run([ev('executionStarted')]);
    expect(applyEvent(s, ev('somethingNewer', { nodeName: 'Trigger' }))).toBe(s);
    expect(applyEvent(s, ev('nodeExecutionBefore', {}))).toBe(s);
  });

  test('a replayed event (id not after lastEventId) is ignored; events without id are applied', () => {
    const first = ev('nodeExecutionBefore', { nodeName: 'Trigger' });
    const s = run([first, ev('nodeExecutionProgress', { nodeName: 'Trigger', data: { delta: 'a' } })]);
    expect(applyEvent(s, { ...first })).toBe(s);
    expect(applyEvent(s, { id: s.lastEventId, type: 'nodeExecutionProgress', data: { nodeName: 'Trigger', data: { delta: 'a' } } })).toBe(s);
    expect(applyEvent(s, { type: 'nodeExecutionProgress', data: { nodeName: 'Trigger', data: { delta: 'b' } } }).nodes.Trigger.text).toBe('ab');
  });

  test('the input state is never mutated (it is frozen here) and untouched nodes keep their identity', () => {
    const before = frozen(run([ev('nodeExecutionBefore', { nodeName: 'Trigger' })]));
    const after = applyEvent(before, ev('nodeExecutionBefore', { nodeName: 'After' }));
    expect(after).not.toBe(before);
    expect(after.nodes.Trigger).toBe(before.nodes.Trigger);
    expect(before.nodes.After.status).toBe('idle');
  });
});
