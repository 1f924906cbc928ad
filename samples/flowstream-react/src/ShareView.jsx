import { useEffect, useMemo, useState } from 'react';
import { ReactFlow, Background, useNodesState } from '@xyflow/react';
import { useExecution, nodesWithState } from '@flowstream/react';
import { getExecution } from '@flowstream/client';
import StatusNode from './StatusNode.jsx';
import { Progress, SidePanel } from './Toolbar.jsx';
import { toReactFlow } from './layout.js';

const nodeTypes = { status: StatusNode };

/** A shared run, read-only: the same graph, following the execution live with the share token. */
export default function ShareView({ flows, executionId, token }) {
  const [flow, setFlow] = useState(null);
  const [problem, setProblem] = useState(null);
  const [selected, setSelected] = useState(null);
  const { state, status, progress, etaMs, error } = useExecution(executionId, { token });

  useEffect(() => {
    let stop = false;
    getExecution(executionId, { token: token ?? undefined })
      .then((summary) => {
        if (stop) return;
        const found = flows.find((f) => f.id === summary.workflowId);
        if (found) setFlow(found);
        else setProblem(new Error(`Flow '${summary.workflowId}' is not in /api/flows.`));
      })
      .catch((e) => { if (!stop) setProblem(e); });
    return () => { stop = true; };
  }, [executionId, token, flows]);

  const base = useMemo(() => (flow ? toReactFlow(flow) : { nodes: [], edges: [] }), [flow]);
  // React Flow keeps what it measured on the node objects (through onNodesChange); the run's state is merged into them.
  const [nodes, setNodes, onNodesChange] = useNodesState([]);
  useEffect(() => setNodes(base.nodes), [base, setNodes]);
  useEffect(() => setNodes((prev) => nodesWithState(prev, state)), [base, state, setNodes]);
  const selectedNode = nodes.find((n) => n.id === selected) ?? null;

  return (
    <div className="page">
      <header>
        <h1>FlowStream <span>watching execution {executionId}{flow ? ` — ${flow.name}` : ''}</span></h1>
      </header>
      <main className="editor" data-execution-status={status} data-testid="share-view">
        <section className="toolbar">
          <Progress progress={progress} etaMs={etaMs} status={status} />
          {problem || error ? <span className="message" data-testid="message">{(problem || error).message}</span> : null}
        </section>
        <section className="canvas-row">
          <div className="canvas">
            <ReactFlow nodes={nodes} edges={base.edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange} nodesDraggable={false} nodesConnectable={false}
              onNodeClick={(_, node) => setSelected(node.id)} fitView>
              <Background />
            </ReactFlow>
          </div>
          <SidePanel node={selectedNode} />
        </section>
      </main>
    </div>
  );
}
