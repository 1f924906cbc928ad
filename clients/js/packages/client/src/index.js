// @flowstream/client: start, attach to, follow and control FlowStream workflow executions; no dependencies.
export {
  startExecution,
  attachExecution,
  submitExecution,
  getExecution,
  getNodeOutput,
  cancelExecution,
  pauseExecution,
  resumeExecution,
  createShareToken,
  eventSourceUrl,
  createClient,
  reconnectDelay,
  ExecutionStream,
  TOKEN_HEADER,
  EXECUTION_ID_HEADER,
} from './client.js';
export { applyEvent, createExecutionState } from './state.js';
export { SseParser } from './sse-parser.js';
export { FlowStreamError, isTransientStatus } from './errors.js';
export { runExecution, controlExecution } from './run-execution.js';

// The types, for `import('@flowstream/client').Name` in JSDoc and for TypeScript users.
/** @typedef {import('./client.js').FlowStreamEvent} FlowStreamEvent */
/** @typedef {import('./client.js').ClientOptions} ClientOptions */
/** @typedef {import('./client.js').RequestOptions} RequestOptions */
/** @typedef {import('./client.js').ReconnectOptions} ReconnectOptions */
/** @typedef {import('./client.js').StartRequest} StartRequest */
/** @typedef {import('./client.js').Progress} Progress */
/** @typedef {import('./client.js').ExecutionStartedData} ExecutionStartedData */
/** @typedef {import('./client.js').NodeExecutionBeforeData} NodeExecutionBeforeData */
/** @typedef {import('./client.js').NodeExecutionAfterData} NodeExecutionAfterData */
/** @typedef {import('./client.js').NodeExecutionProgressData} NodeExecutionProgressData */
/** @typedef {import('./client.js').NodeExecutionRetryData} NodeExecutionRetryData */
/** @typedef {import('./client.js').ExecutionFinishedData} ExecutionFinishedData */
/** @typedef {import('./state.js').ExecutionState} ExecutionState */
/** @typedef {import('./state.js').ExecutionStatus} ExecutionStatus */
/** @typedef {import('./state.js').NodeState} NodeState */
/** @typedef {import('./state.js').NodeStatus} NodeStatus */
/** @typedef {import('./sse-parser.js').SseMessage} SseMessage */
