import { useMemo, useState } from 'react';
import { ReactFlow, Background, Controls, useEdgesState, useNodesState } from '@xyflow/react';
import { useExecutionStream } from '@flowstream/react';
import { createShareToken } from '@flowstream/client';
import StatusNode from './StatusNode.jsx';
import { Progress, SidePanel } from './Toolbar.jsx';
import { toReactFlow } from './layout.js';

const nodeTypes = { status: StatusNode }; // at module scope, as React Flow wants

/** The seed's edit page: pick a flow, Run it, watch each node live; Cancel / Pause / Resume; share the run. */
export default function FlowEditor({ flows }) {
  const [flowId, setFlowId] = useState(flows[0]?.id ?? null);
  return (
    <div className="page">
      <header>
        <h1>FlowStream <span>React Flow edit page</span></h1>
        <nav aria-label="Flows">
          {flows.map((f) => (
            <button key={f.id} aria-pressed={f.id === flowId} data-flow-id={f.id} onClick={() => setFlowId(f.id)}>{f.name}</button>
          ))}
        </nav>
      </header>
      {/* A new key per flow: a fresh editor (and hook) for each flow. */}
      {flowId ? <Editor key={flowId} flow={flows.find((f) => f.id === flowId)} /> : <p>No flows.</p>}
    </div>
  );
}

function Editor({ flow }) {
  const initial = useMemo(() => toReactFlow(flow), [flow]);
  const [nodes, setNodes, onNodesChange] = useNodesState(initial.nodes);
  const [edges, , onEdgesChange] = useEdgesState(initial.edges);
  const [input, setInput] = useState('{"customer": "Ada", "topic": "rivers in spring"}');
  const [selected, setSelected] = useState(null);
  const [message, setMessage] = useState('');
  const [shareUrl, setShareUrl] = useState('');
  const { execute, isExecuting, cancel, pause, resume, executionId, token, error, progress, etaMs, status } = useExecutionStream(nodes, setNodes);

  const run = async () => {
    let inputData;
    try {
      inputData = JSON.parse(input || '{}');
    } catch (e) {
      setMessage(`Input is not JSON: ${e.message}`);
      return;
    }
    setMessage('');
    setShareUrl('');
    try {
      await execute(flow.id, inputData);
    } catch (e) {
      setMessage(e.message);
    }
  };
  const control = (action) => action().catch((e) => setMessage(e.message));
  const share = async () => {
    const url = new URL(window.location.href);
    url.search = '';
    url.searchParams.set('execution', String(executionId));
    try {
      // With the execution token, mint a read-only share token; a host without tokens shares by id alone.
      if (token) url.searchParams.set('token', (await createShareToken(executionId, { token, expiresInSeconds: 900 })).token);
    } catch (e) {
      setMessage(`Could not mint a share token: ${e.message}`);
      return;
    }
    setShareUrl(url.toString());
  };
  const selectedNode = nodes.find((n) => n.id === selected) ?? null;

  return (
    <main className="editor" data-execution-status={status}>
      <section className="toolbar">
        <button data-testid="run" onClick={run} disabled={isExecuting}>Run</button>
        <button data-testid="pause" onClick={() => control(pause)} disabled={status !== 'running'}>Pause</button>
        <button data-testid="resume" onClick={() => control(resume)} disabled={status !== 'paused'}>Resume</button>
        <button data-testid="cancel" onClick={() => control(cancel)} disabled={!isExecuting}>Cancel</button>
        <button data-testid="share" onClick={share} disabled={executionId === null}>Share</button>
        <Progress progress={progress} etaMs={etaMs} status={status} />
        {shareUrl ? <a data-testid="share-link" href={shareUrl} target="_blank" rel="noreferrer">watch link</a> : null}
        {message || error ? <span className="message" data-testid="message">{message || error?.message}</span> : null}
      </section>
      <section className="canvas-row">
        <div className="canvas">
          <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange}
            onNodeClick={(_, node) => setSelected(node.id)} fitView>
            <Background />
            <Controls />
          </ReactFlow>
        </div>
        <SidePanel node={selectedNode} />
      </section>
      <label className="input">Input data (JSON)
        <textarea value={input} onChange={(e) => setInput(e.target.value)} spellCheck={false} />
      </label>
    </main>
  );
}
