/** Progress bar, percent, time left and the run's status. */
export function Progress({ progress, etaMs, status }) {
  const percent = progress?.percent ?? 0;
  return (
    <>
      <progress max="100" value={percent} aria-label="Progress" />
      <span data-testid="percent">{percent}%</span>
      <span data-testid="eta">{etaMs != null && status === 'running' ? `about ${(etaMs / 1000).toFixed(1)} s left` : ''}</span>
      <span data-testid="execution-status" className={`run-status run-${status}`}>{status === 'idle' ? '' : status}</span>
    </>
  );
}

/** The selected node's output or error. */
export function SidePanel({ node }) {
  if (!node) return <aside className="side"><p className="hint">Click a node to see its output or error.</p></aside>;
  const { name, status = 'idle', output, error, text } = node.data;
  return (
    <aside className="side" data-testid="side-panel">
      <h2>{name} — {status}</h2>
      {error ? <pre className="node-error" data-testid="side-error">Error: {error}</pre> : null}
      {text ? <><h3>Streamed text</h3><pre>{text}</pre></> : null}
      {output !== undefined ? <><h3>Output</h3><pre data-testid="side-output">{JSON.stringify(output, null, 2)}</pre></> : null}
    </aside>
  );
}
