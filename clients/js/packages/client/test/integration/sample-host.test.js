// @flowstream/client against the real FlowStream.Sample host (started by the test on a free port): start, attach with
// Last-Event-ID, pause/resume, cancel, status, and share tokens.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  applyEvent, attachExecution, cancelExecution, createExecutionState, createShareToken, getExecution, pauseExecution,
  resumeExecution, startExecution,
} from '../../src/index.js';
import { hostMissingReason, startSampleHost } from '../../../../test-support/sample-host.js';

const missing = hostMissingReason();
let host;
let baseUrl;

beforeAll(async () => {
  if (missing) return;
  host = await startSampleHost();
  baseUrl = `${host.url}/executions`;
});

afterAll(async () => {
  await host?.stop();
});

async function collect(stream, stopAfter = Infinity) {
  const events = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length >= stopAfter) break;
  }
  return events;
}

const hold = (ms) => ({
  id: 'hold', name: 'Hold',
  nodes: [{ name: 'Start', type: 'manualTrigger' }, { name: 'Hold', type: 'wait', parameters: { ms } }, { name: 'Done', type: 'noOp' }],
  connections: [{ from: 'Start', to: 'Hold' }, { from: 'Hold', to: 'Done' }],
});

describe.skipIf(missing)('against the sample host', () => {
  test('the host serves this package\'s own source files to its page under /_flowstream/client/ (no second copy)', async () => {
    const src = new URL('../../src/', import.meta.url);
    for (const file of readdirSync(src).filter((f) => f.endsWith('.js'))) {
      const response = await fetch(`${host.url}/_flowstream/client/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type'), file).toMatch(/javascript/);
      expect(await response.text(), file).toBe(readFileSync(new URL(file, src), 'utf8'));
    }
    expect(await (await fetch(`${host.url}/flowstream.js`)).text()).toContain("export * from './_flowstream/client/index.js'");
  });

  test('start a stored flow: every event in order, ids contiguous, the reducer ends with every node a success', async () => {
    const run = await startExecution({ flowId: 'sequential', inputData: { customer: 'Ada' } }, { baseUrl });
    expect(run.executionId).toBeGreaterThan(0);
    const events = await collect(run);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events[0].type).toBe('executionStarted');
    expect(events.at(-1)).toMatchObject({ type: 'executionFinished', data: { status: 'success' } });
    const state = events.reduce(applyEvent, createExecutionState());
    expect(Object.entries(state.nodes).map(([name, n]) => [name, n.status])).toEqual([
      ['Start', 'success'], ['Fetch order', 'success'], ['Enrich', 'success'], ['Check stock', 'success'], ['Confirm', 'success'],
    ]);
    expect(state.nodes.Confirm.output).toMatchObject({ message: 'Order for Ada confirmed: 42 EUR' });
    expect(state.progress).toMatchObject({ percent: 100 });
  });

  test('leave after three events, attach with Last-Event-ID 3: the rest, once', async () => {
    const run = await startExecution({ workflow: hold(400), inputData: {} }, { baseUrl });
    const first = await collect(run, 3);
    expect(first.map((e) => e.id)).toEqual([1, 2, 3]);
    const attached = await attachExecution(run.executionId, { baseUrl, lastEventId: 3, token: run.token ?? undefined });
    const rest = await collect(attached);
    expect(rest[0].id).toBe(4);
    expect(rest.map((e) => e.id)).toEqual(rest.map((_, i) => i + 4));
    expect(rest.at(-1)).toMatchObject({ type: 'executionFinished', data: { status: 'success' } });
    const summary = await getExecution(run.executionId, { baseUrl, token: run.token ?? undefined });
    expect(summary.status).toBe('success');
  });

  test('pause, then resume: the run says so and finishes', async () => {
    const run = await startExecution({ workflow: hold(500), inputData: {} }, { baseUrl });
    const types = [];
    for await (const event of run) {
      types.push(event.type);
      if (event.type === 'nodeExecutionBefore' && event.data.nodeName === 'Hold') await pauseExecution(run.executionId, { baseUrl, token: run.token ?? undefined });
      if (event.type === 'executionPaused') await resumeExecution(run.executionId, { baseUrl, token: run.token ?? undefined });
    }
    expect(types).toContain('executionPaused');
    expect(types.indexOf('executionResumed')).toBeGreaterThan(types.indexOf('executionPaused'));
    expect(run.finished?.status).toBe('success');
  });

  test('cancel a long wait: executionFinished canceled, the node canceled; a second cancel is 409', async () => {
    const workflow = hold(60_000);
    const run = await startExecution({ workflow, inputData: {} }, { baseUrl });
    let state = createExecutionState(workflow);
    for await (const event of run) {
      state = applyEvent(state, event);
      if (event.type === 'nodeExecutionBefore' && event.data.nodeName === 'Hold') await cancelExecution(run.executionId, { baseUrl, token: run.token ?? undefined });
    }
    expect(state.status).toBe('canceled');
    expect(state.nodes.Hold.status).toBe('canceled');
    expect(state.nodes.Done.status).toBe('idle');
    await expect(cancelExecution(run.executionId, { baseUrl, token: run.token ?? undefined })).rejects.toMatchObject({ status: 409 });
  });

  test('an unknown flow is a 404 problem; an unknown execution too', async () => {
    await expect(startExecution({ flowId: 'no-such-flow' }, { baseUrl })).rejects.toMatchObject({ status: 404 });
    await expect(attachExecution(9_007_199_254_740_000, { baseUrl })).rejects.toMatchObject({ status: 404 });
  });

  test('a share token minted with the execution token follows the run read-only', async (context) => {
    const run = await startExecution({ workflow: hold(300), inputData: {} }, { baseUrl });
    if (!run.token) {
      // The host does not hand out execution tokens yet (DESIGN "Access" lands with the bounds-and-access issue).
      await collect(run);
      context.skip('the host sent no FlowStream-Token header: execution tokens are not implemented on the server yet');
    }
    const share = await createShareToken(run.executionId, { baseUrl, token: run.token, expiresInSeconds: 60 });
    expect(typeof share.token).toBe('string');
    const follower = await attachExecution(run.executionId, { baseUrl, token: share.token });
    const [own, followed] = await Promise.all([collect(run), collect(follower)]);
    expect(followed.map((e) => e.id)).toEqual(own.map((e) => e.id));
    // Read-only: the share token cannot control the run.
    const refused = await cancelExecution(run.executionId, { baseUrl, token: share.token }).catch((e) => e);
    expect(refused.status).toBe(403);
    // Without any token, an anonymous execution is not there.
    await expect(getExecution(run.executionId, { baseUrl })).rejects.toMatchObject({ status: 404 });
  });
});
