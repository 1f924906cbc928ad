// A pure reducer from FlowStream events to per-node state: applyEvent(state, event) returns a new state (or the same one
// when the event changes nothing), never mutating its input, so it works as a React reducer or in any store.

/** @typedef {import('./client.js').FlowStreamEvent} FlowStreamEvent */
/** @typedef {import('./client.js').Progress} Progress */

/**
 * @typedef {'idle' | 'running' | 'success' | 'error' | 'skipped' | 'canceled'} NodeStatus
 */

/**
 * @typedef {object} NodeState
 * @property {NodeStatus} status
 * @property {any} [output]  a success's output (`data` of `nodeExecutionAfter`)
 * @property {boolean} [outputTruncated]  the output was too large for the event: fetch it with `getNodeOutput`
 * @property {string} [error]  the error message of a failed node
 * @property {number} [attempt]  the attempt running or finished (1 unless the node retried)
 * @property {string} text  the `delta` strings of its progress events joined (a language model's text as it streams)
 * @property {any} [partial]  the data of its last progress event
 * @property {{ attempt: number, waitMs: number, error: string }} [retry]  the last failed attempt that will be retried
 * @property {string} [reason]  why it was skipped
 * @property {string} [outputName]  the output it left by, when not `main`
 * @property {number} [executionTimeMs]
 */

/**
 * @typedef {'idle' | 'running' | 'paused' | 'success' | 'error' | 'canceled'} ExecutionStatus
 */

/**
 * @typedef {object} ExecutionState
 * @property {number | null} executionId
 * @property {ExecutionStatus} status
 * @property {Readonly<Record<string, NodeState>>} nodes  by node name
 * @property {Progress | null} progress
 * @property {number | null} etaMs  the server's estimate of the time left, null when none or finished
 * @property {number} lastEventId
 * @property {string | null} startedAt
 * @property {string | null} finishedAt
 * @property {string | null} error  the execution's error message, when it failed and said why
 */

/**
 * A fresh state: every node of `workflow` (an object with `nodes: [{ name }]`, as `/api/flows` and workflow definitions
 * have) idle.
 * @param {{ nodes?: ReadonlyArray<{ name: string }> } | null} [workflow]
 * @returns {ExecutionState}
 */
export function createExecutionState(workflow) {
  /** @type {Record<string, NodeState>} */
  const nodes = {};
  for (const node of workflow?.nodes ?? []) nodes[node.name] = { status: 'idle', text: '' };
  return { executionId: null, status: 'idle', nodes, progress: null, etaMs: null, lastEventId: 0, startedAt: null, finishedAt: null, error: null };
}

const NODE_STATUSES = new Set(['success', 'error', 'skipped', 'canceled']);

/**
 * Applies one event. Unknown event types and unknown fields are ignored (the state comes back as it was); an event whose
 * id is not after `lastEventId` is a replay and is ignored too.
 * @param {ExecutionState} state
 * @param {{ id?: number, type: string, data?: any }} event
 * @returns {ExecutionState}
 */
export function applyEvent(state, event) {
  if (typeof event.id === 'number' && event.id <= state.lastEventId) return state;
  const next = reduce(state, event);
  if (next === state) return state; // nothing to change (an unknown type, a pause of a finished run): the same object
  return typeof event.id === 'number' ? { ...next, lastEventId: event.id } : next;
}

/**
 * @param {ExecutionState} state
 * @param {{ type: string, data?: any }} event
 * @returns {ExecutionState}
 */
function reduce(state, event) {
  const d = event.data ?? {};
  switch (event.type) {
    case 'executionStarted':
      return { ...state, executionId: d.executionId ?? state.executionId, status: 'running', startedAt: d.startedAt ?? null, finishedAt: null, error: null, progress: typeof d.totalNodes === 'number' ? { completed: 0, total: d.totalNodes, percent: 0 } : state.progress };
    case 'nodeExecutionBefore':
      // A node that will not run (disabled, or on a branch not taken) says so already in its `reason`: never shown running.
      if (d.reason) return state;
      return node(state, d.nodeName, () => ({ status: 'running', text: '', attempt: d.attempt ?? 1 }));
    case 'nodeExecutionProgress':
      return node(state, d.nodeName, (n) => ({ ...n, partial: d.data, text: typeof d.data?.delta === 'string' ? n.text + d.data.delta : n.text }));
    case 'nodeExecutionRetry':
      return node(state, d.nodeName, (n) => ({ ...n, retry: { attempt: d.attempt, waitMs: d.waitMs, error: d.error?.message ?? '' } }));
    case 'nodeExecutionAfter': {
      const status = /** @type {NodeStatus} */ (NODE_STATUSES.has(d.status) ? d.status : d.error ? 'error' : 'success');
      const withNode = node(state, d.nodeName, (n) => {
        /** @type {NodeState} */
        const after = { status, text: n.text, attempt: d.attempt ?? n.attempt };
        if (n.partial !== undefined) after.partial = n.partial;
        if (status === 'success') {
          if (d.dataTruncated) after.outputTruncated = true;
          else after.output = d.data;
          if (typeof d.output === 'string') after.outputName = d.output;
        }
        if (d.error?.message !== undefined) after.error = d.error.message;
        if (typeof d.reason === 'string') after.reason = d.reason;
        if (typeof d.executionTimeMs === 'number') after.executionTimeMs = d.executionTimeMs;
        return after;
      });
      const progress = isProgress(d.progress) ? d.progress : withNode.progress;
      const etaMs = typeof d.estimatedRemainingMs === 'number' && !(progress && progress.completed >= progress.total) ? d.estimatedRemainingMs : null;
      return { ...withNode, progress, etaMs };
    }
    case 'executionPaused':
      return state.status === 'running' ? { ...state, status: 'paused' } : state;
    case 'executionResumed':
      return state.status === 'paused' ? { ...state, status: 'running' } : state;
    case 'executionFinished': {
      const status = /** @type {ExecutionStatus} */ (d.status === 'success' || d.status === 'error' || d.status === 'canceled' ? d.status : 'success');
      /** @type {Record<string, NodeState>} */
      const nodes = {};
      // A node still running when the execution ended did not finish: it was canceled with it.
      for (const [name, n] of Object.entries(state.nodes)) nodes[name] = n.status === 'running' ? { ...n, status: 'canceled' } : n;
      return { ...state, status, nodes, etaMs: null, finishedAt: d.finishedAt ?? null, error: d.error?.message ?? null };
    }
    default:
      return state; // a newer event type: ignored
  }
}

/**
 * @param {ExecutionState} state
 * @param {unknown} name
 * @param {(node: NodeState) => NodeState} update
 * @returns {ExecutionState}
 */
function node(state, name, update) {
  if (typeof name !== 'string') return state;
  const current = state.nodes[name] ?? { status: 'idle', text: '' };
  return { ...state, nodes: { ...state.nodes, [name]: update(current) } };
}

/** @param {any} value @returns {value is Progress} */
function isProgress(value) {
  return value !== null && typeof value === 'object' && typeof value.completed === 'number' && typeof value.total === 'number' && typeof value.percent === 'number';
}
