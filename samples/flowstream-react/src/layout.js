// Turns a flow from /api/flows into React Flow nodes and edges, laid out by topological level.
const WIDTH = 190;
const HEIGHT = 110;

export function toReactFlow(flow) {
  const level = new Map(flow.nodes.map((n) => [n.name, 0]));
  for (let pass = 0; pass < flow.nodes.length; pass++) {
    for (const c of flow.connections) level.set(c.to, Math.max(level.get(c.to), level.get(c.from) + 1));
  }
  const rows = new Map();
  const nodes = flow.nodes.map((node) => {
    const x = level.get(node.name);
    const y = rows.get(x) ?? 0;
    rows.set(x, y + 1);
    return {
      id: node.name,
      type: 'status',
      position: { x: x * (WIDTH + 50), y: y * (HEIGHT + 30) },
      data: { name: node.name, type: node.type, disabled: node.disabled, status: 'idle' },
    };
  });
  const edges = flow.connections.map((c) => ({ id: `${c.from}->${c.to}`, source: c.from, target: c.to, animated: false }));
  return { nodes, edges };
}
