import { memo } from 'react';
import { Handle, Position } from '@xyflow/react';

const ICONS = { idle: '', running: '', success: '✓', error: '✗', skipped: '–', canceled: '⊘' };

/** A workflow node: its name and type, a spinner while running, a check or a cross when it ends, streamed text, error. */
function StatusNode({ data, selected }) {
  const status = data.status ?? 'idle';
  return (
    <div className={`flow-node ${selected ? 'selected' : ''}`} data-testid={`node-${data.name}`} data-node-name={data.name} data-status={status}>
      <Handle type="target" position={Position.Left} />
      <div className="flow-node-head">
        <span className={`icon icon-${status}`} aria-label={status}>{ICONS[status]}</span>
        <span className="name">{data.name}</span>
      </div>
      <div className="type">{data.type}{data.disabled ? ' (disabled)' : ''}{data.attempt > 1 ? ` · attempt ${data.attempt}` : ''}</div>
      {data.text ? <div className="stream">{data.text}</div> : null}
      {data.error ? <div className="node-error">{data.error}</div> : null}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

export default memo(StatusNode);
