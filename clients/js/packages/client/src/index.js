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
