// @flowstream/react: run a FlowStream workflow from React and watch its nodes live.
//   useExecutionStream(nodes, setNodes, options?) — the seed's hook: execute(flowId, inputData) updates each node's
//     data.status / output / error / text / attempt through setNodes (React Flow nodes work as they are).
//   useExecution(executionId, { token }) — follow an existing run (a share link), as per-node state.
// Connections are made only from execute() or inside effects; unmounting stops reading, never the execution.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  applyEvent, attachExecution, cancelExecution, createExecutionState, pauseExecution, resumeExecution, startExecution,
} from '@flowstream/client';

/** @typedef {import('@flowstream/client').ExecutionState} ExecutionState */
/** @typedef {import('@flowstream/client').ExecutionFinishedData} ExecutionFinishedData */
/** @typedef {import('@flowstream/client').Progress} Progress */

/**
 * Options of both hooks: `baseUrl` (where the host mapped `MapExecutionStream()`, default "/executions"), `fetch` (default
 * the global fetch), `headers` (extra headers on every request), `reconnect` (how a dropped stream is re-attached) and
 * `batchMs` (events arriving within this many ms go to React as one update; default 16).
 * @typedef {Pick<import('@flowstream/client').ClientOptions, 'baseUrl' | 'fetch' | 'headers' | 'reconnect'> & { batchMs?: number }} HookOptions
 */

/**
 * The fields the hooks write into a node's `data`.
 * @typedef {object} NodeRunData
 * @property {import('@flowstream/client').NodeStatus} status
 * @property {any} [output]
 * @property {string} [error]
 * @property {string} [text]
 * @property {number} [attempt]
 */

/**
 * A node as React Flow has them: an `id`, and `data` whose `name` (else the id) is the workflow node's name.
 * @typedef {{ id: string, data?: any }} FlowNode
 */

const KEYS = /** @type {const} */ (['status', 'output', 'error', 'text', 'attempt']);

/**
 * Returns `nodes` with each node's `data` carrying the run's state for it: new objects for the nodes that change, the very
 * same objects for the others (so memoized custom nodes skip rendering), and the same array when nothing changed. A node
 * the state does not know is shown `idle`.
 * @template {FlowNode} N
 * @param {N[]} nodes
 * @param {ExecutionState} state
 * @returns {N[]}
 */
export function nodesWithState(nodes, state) {
  let changed = false;
  const next = nodes.map((node) => {
    const name = node.data?.name ?? node.id;
    const known = state.nodes[name];
    /** @type {NodeRunData} */
    const wanted = known
      ? { status: known.status, output: known.output, error: known.error, text: known.text, attempt: known.attempt }
      : { status: 'idle', output: undefined, error: undefined, text: '', attempt: undefined };
    const data = node.data ?? {};
    if (KEYS.every((key) => Object.is(data[key], wanted[key]) || (data[key] === undefined && wanted[key] === undefined))) return node;
    changed = true;
    return { ...node, data: { ...data, ...wanted } };
  });
  return changed ? next : nodes;
}

/**
 * @typedef {object} ExecutionStreamResult
 * @property {(flowId: string, inputData?: unknown) => Promise<ExecutionFinishedData | null>} execute  resets every node to
 *   `idle`, starts the run and resolves with the data of `executionFinished` (null when reading was stopped by unmounting or
 *   by a newer `execute`); rejects when the start is refused or the stream is lost for good.
 * @property {boolean} isExecuting  true from `execute()` until `executionFinished` (or the failure)
 * @property {() => Promise<any>} cancel  cancels the current run (with its execution token)
 * @property {() => Promise<any>} pause
 * @property {() => Promise<any>} resume
 * @property {number | null} executionId
 * @property {string | null} token  the run's execution token (to mint a share token with `createShareToken`), null if the
 *   host gave none
 * @property {Error | null} error
 * @property {Progress | null} progress
 * @property {number | null} etaMs  the server's estimate of the time left
 * @property {import('@flowstream/client').ExecutionStatus} status  the run's status: idle, running, paused, success, error, canceled
 */

/**
 * The seed's hook: `const { execute, isExecuting } = useExecutionStream(nodes, setNodes)`. On each burst of events it calls
 * `setNodes(prev => next)` once, with new node objects for the nodes that changed.
 *
 * @template {FlowNode} N
 * @param {N[]} nodes  the nodes shown (React Flow's); only their ids and `data.name` are read
 * @param {import('react').Dispatch<import('react').SetStateAction<N[]>>} setNodes  React's state setter for them
 * @param {HookOptions} [options]
 * @returns {ExecutionStreamResult}
 */
export function useExecutionStream(nodes, setNodes, options = {}) {
  void nodes; // the hook works through setNodes' functional updates, so it always sees the latest nodes
  const optionsRef = useRef(options);
  const setNodesRef = useRef(setNodes);
  useEffect(() => {
    optionsRef.current = options;
    setNodesRef.current = setNodes;
  });
  /** @type {import('react').MutableRefObject<Run | null>} */
  const current = useRef(null);
  const mounted = useRef(true);
  const [view, setView] = useState(/** @type {RunView} */ (IDLE_VIEW));

  useEffect(() => {
    mounted.current = true;
    return () => {
      // Unmounting stops reading; the execution goes on (cancel() is how to stop it).
      mounted.current = false;
      const run = current.current;
      current.current = null;
      run?.stop();
    };
  }, []);

  const execute = useCallback(/** @param {string} flowId @param {unknown} [inputData] */ async (flowId, inputData) => {
    current.current?.stop(); // a newer run replaces the one shown; the older execution goes on
    const o = optionsRef.current;
    const run = new Run(o.batchMs ?? 16);
    current.current = run;
    const live = () => current.current === run && mounted.current;
    run.flush = () => {
      if (!live()) return;
      const state = run.state;
      setNodesRef.current((prev) => nodesWithState(prev, state));
      setView((v) => ({ ...v, executionId: state.executionId ?? run.executionId ?? v.executionId, progress: state.progress, etaMs: state.etaMs, status: state.status === 'idle' ? v.status : state.status }));
    };
    run.flush(); // every node back to idle
    setView({ ...IDLE_VIEW, isExecuting: true, status: 'running' });

    try {
      const stream = await startExecution({ flowId, inputData: inputData ?? {} }, {
        baseUrl: o.baseUrl, fetch: o.fetch, headers: o.headers, reconnect: o.reconnect, signal: run.controller.signal,
      });
      run.started(stream.executionId, stream.token);
      if (live()) setView((v) => ({ ...v, executionId: stream.executionId, token: stream.token }));
      for await (const event of stream) {
        run.state = applyEvent(run.state, event);
        if (run.executionId === null) run.executionId = stream.executionId;
        run.schedule();
      }
      run.flushNow();
      if (live()) setView((v) => ({ ...v, isExecuting: false, etaMs: null }));
      return stream.finished;
    } catch (error) {
      run.failed(error);
      if (run.stopped) return null; // stopped by us (unmount, newer run): not an error of the run
      run.flushNow();
      if (live()) setView((v) => ({ ...v, isExecuting: false, error: asError(error) }));
      throw error;
    }
  }, []);

  const control = useCallback(/** @param {typeof cancelExecution} action */ async (action) => {
    const run = current.current;
    if (!run) throw new Error('No execution is running: call execute() first.');
    const { executionId, token } = await run.ready;
    const o = optionsRef.current;
    return action(executionId, { baseUrl: o.baseUrl, fetch: o.fetch, headers: o.headers, token: token ?? undefined });
  }, []);
  const cancel = useCallback(() => control(cancelExecution), [control]);
  const pause = useCallback(() => control(pauseExecution), [control]);
  const resume = useCallback(() => control(resumeExecution), [control]);

  return { execute, cancel, pause, resume, ...view };
}

/**
 * @typedef {object} ExecutionResult
 * @property {ExecutionState} state  per-node state and the run's status, progress and ETA
 * @property {import('@flowstream/client').ExecutionStatus} status
 * @property {Readonly<Record<string, import('@flowstream/client').NodeState>>} nodes
 * @property {Progress | null} progress
 * @property {number | null} etaMs
 * @property {Error | null} error
 * @property {boolean} isFollowing  true while the stream is being read
 */

/**
 * Follows an existing execution (a share link, a page reload): attaches to its stream from the start, and keeps
 * per-node state. No id (or `enabled: false`), no connection. Changing the id or token re-attaches; unmounting stops reading.
 * Use {@link nodesWithState} to show the state on React Flow nodes.
 *
 * @param {number | null | undefined} executionId
 * @param {HookOptions & { token?: string | null, enabled?: boolean }} [options]
 * @returns {ExecutionResult}
 */
export function useExecution(executionId, options = {}) {
  const optionsRef = useRef(options);
  useEffect(() => {
    optionsRef.current = options;
  });
  const [result, setResult] = useState(() => ({ state: createExecutionState(), error: /** @type {Error | null} */ (null), isFollowing: false }));
  const token = options.token ?? undefined;
  const enabled = options.enabled ?? true;
  const baseUrl = options.baseUrl;

  useEffect(() => {
    if (executionId === null || executionId === undefined || !enabled) return undefined;
    const o = optionsRef.current;
    const controller = new AbortController();
    let state = createExecutionState();
    /** @type {ReturnType<typeof setTimeout> | null} */
    let timer = null;
    const flush = () => {
      timer = null;
      if (controller.signal.aborted) return;
      const snapshot = state;
      setResult((r) => (r.state === snapshot ? r : { ...r, state: snapshot }));
    };
    setResult({ state, error: null, isFollowing: true });
    (async () => {
      try {
        const stream = await attachExecution(executionId, { baseUrl, fetch: o.fetch, headers: o.headers, reconnect: o.reconnect, token, signal: controller.signal });
        for await (const event of stream) {
          state = applyEvent(state, event);
          timer ??= setTimeout(flush, o.batchMs ?? 16);
        }
        if (timer !== null) clearTimeout(timer);
        flush();
        if (!controller.signal.aborted) setResult((r) => ({ ...r, isFollowing: false }));
      } catch (error) {
        if (controller.signal.aborted) return;
        if (timer !== null) clearTimeout(timer);
        flush();
        setResult((r) => ({ ...r, error: asError(error), isFollowing: false }));
      }
    })();
    return () => {
      controller.abort();
      if (timer !== null) clearTimeout(timer);
    };
  }, [executionId, token, enabled, baseUrl]);

  const { state } = result;
  return { state, status: state.status, nodes: state.nodes, progress: state.progress, etaMs: state.etaMs, error: result.error, isFollowing: result.isFollowing };
}

// ---- internals ----

/**
 * @typedef {object} RunView
 * @property {boolean} isExecuting
 * @property {number | null} executionId
 * @property {string | null} token
 * @property {Error | null} error
 * @property {Progress | null} progress
 * @property {number | null} etaMs
 * @property {import('@flowstream/client').ExecutionStatus} status
 */

/** @type {Readonly<RunView>} */
const IDLE_VIEW = Object.freeze({ isExecuting: false, executionId: null, token: null, error: null, progress: null, etaMs: null, status: 'idle' });

/** One execute(): its reading, its batching, and what control calls need. */
class Run {
  /** @param {number} batchMs */
  constructor(batchMs) {
    this.batchMs = batchMs;
    this.controller = new AbortController();
    this.state = createExecutionState();
    /** @type {number | null} */
    this.executionId = null;
    this.stopped = false;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    this.flush = () => {};
    /** @type {(value: { executionId: number, token: string | null }) => void} */
    let resolveReady = () => {};
    /** @type {(error: unknown) => void} */
    let rejectReady = () => {};
    /** @type {Promise<{ executionId: number, token: string | null }>} */
    this.ready = new Promise((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.ready.catch(() => {}); // nobody may ask
    this.resolveReady = resolveReady;
    this.rejectReady = rejectReady;
  }

  /** @param {number | null} executionId @param {string | null} token */
  started(executionId, token) {
    this.executionId = executionId;
    if (executionId !== null) this.resolveReady({ executionId, token });
    else this.rejectReady(new Error('The server did not say which execution it started.'));
  }

  /** @param {unknown} error */
  failed(error) {
    this.rejectReady(error);
  }

  schedule() {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.batchMs);
  }

  flushNow() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }

  stop() {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.controller.abort(new DOMException('Stopped reading the execution.', 'AbortError'));
  }
}

/** @param {unknown} error @returns {Error} */
function asError(error) {
  return error instanceof Error ? error : new Error(String(error));
}
