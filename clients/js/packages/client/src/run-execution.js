// Callback-style helpers for pages that do not want async iterators (the sample host's page uses these): one call runs an
// execution to its end, reporting each event and the connection's state.
import { startExecution, cancelExecution, pauseExecution, resumeExecution } from './client.js';

/** Execution tokens of the runs this page started, so that control calls can present them. @type {Map<number, string>} */
const tokens = new Map();

/**
 * Starts an execution and delivers every event exactly once, in order, re-attaching with `Last-Event-ID` if the connection
 * drops before `executionFinished`.
 *
 * @param {import('./client.js').StartRequest} request  `{ flowId, inputData }` or `{ workflow, inputData }`
 * @param {object} [options]
 * @param {(event: import('./client.js').FlowStreamEvent) => void} [options.onEvent]  each FlowStream event
 * @param {(state: 'connecting' | 'live' | 'reconnecting' | 'done' | 'failed', detail?: string) => void} [options.onState]
 * @param {(executionId: number) => void} [options.onExecutionId]
 * @param {string} [options.basePath]  where MapExecutionStream() was mapped; default "/executions"
 * @param {number} [options.maxReconnectAttempts]  re-attach attempts in a row without a new event before giving up; default 5
 * @param {AbortSignal} [options.signal]  stops reading (the execution goes on)
 * @param {typeof fetch} [options.fetch]
 * @param {Record<string, string>} [options.headers]
 * @returns {Promise<import('./client.js').ExecutionFinishedData | null>} the data of `executionFinished`
 */
export async function runExecution(request, options = {}) {
  const onState = options.onState ?? (() => {});
  let announced = false;
  let reconnecting = false;
  onState('connecting');
  try {
    const run = await startExecution(request, {
      baseUrl: options.basePath,
      fetch: options.fetch,
      headers: options.headers,
      signal: options.signal,
      reconnect: {
        maxAttempts: options.maxReconnectAttempts,
        onReconnect: ({ error }) => {
          reconnecting = true;
          onState('reconnecting', error instanceof Error ? error.message : String(error));
        },
      },
    });
    const announce = () => {
      if (announced || run.executionId === null) return;
      announced = true;
      if (run.token) tokens.set(run.executionId, run.token);
      options.onExecutionId?.(run.executionId);
    };
    announce();
    onState('live');
    for await (const event of run) {
      announce();
      if (reconnecting) {
        reconnecting = false;
        onState('live');
      }
      options.onEvent?.(event);
    }
    onState('done');
    return run.finished;
  } catch (error) {
    onState('failed', error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/**
 * Sends `POST {basePath}/{id}/{action}` (cancel, pause or resume) and returns the execution's summary, presenting the
 * execution token of a run that `runExecution` started on this page.
 * @param {number} executionId
 * @param {'cancel' | 'pause' | 'resume'} action
 * @param {string} [basePath]
 */
export function controlExecution(executionId, action, basePath = '/executions') {
  const options = { baseUrl: basePath, token: tokens.get(executionId) };
  switch (action) {
    case 'cancel': return cancelExecution(executionId, options);
    case 'pause': return pauseExecution(executionId, options);
    case 'resume': return resumeExecution(executionId, options);
    default: return Promise.reject(new TypeError(`Unknown action '${action}'.`));
  }
}
