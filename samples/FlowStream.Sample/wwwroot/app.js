// The page: lists the flows, draws the selected one, runs it and shows every node's state live.
import { runExecution, controlExecution } from './flowstream.js';

const $ = (selector) => document.querySelector(selector);
const ui = {
  flows: $('#flows'), input: $('#input'), graph: $('#graph'), edges: $('#edges'), log: $('#log'),
  run: $('#run'), pause: $('#pause'), resume: $('#resume'), cancel: $('#cancel'),
  progress: $('#progress'), percent: $('#percent'), eta: $('#eta'), status: $('#execution-status'),
  connection: $('#connection'), details: $('#details'), detailsTitle: $('#details-title'), detailsBody: $('#details-body'),
};

let flows = [];
let selected = null;
let executionId = null;
let nodeData = new Map(); // name -> { status, output, error, text }

async function loadFlows() {
  const response = await fetch('/api/flows');
  flows = await response.json();
  ui.flows.replaceChildren(...flows.map((flow) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.textContent = flow.name;
    button.dataset.flowId = flow.id;
    button.addEventListener('click', () => select(flow.id));
    item.append(button);
    return item;
  }));
  if (flows.length > 0) select(flows[0].id);
}

function select(flowId) {
  if (document.body.dataset.executionStatus === 'running' || document.body.dataset.executionStatus === 'paused') return;
  selected = flows.find((flow) => flow.id === flowId);
  for (const button of ui.flows.querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.dataset.flowId === flowId));
  draw(selected);
  reset();
  ui.run.disabled = false;
}

/** Lays the nodes out by topological level (longest path from a root) and joins them with SVG lines. */
function draw(flow) {
  const level = new Map(flow.nodes.map((n) => [n.name, 0]));
  for (let pass = 0; pass < flow.nodes.length; pass++) {
    for (const c of flow.connections) level.set(c.to, Math.max(level.get(c.to), level.get(c.from) + 1));
  }
  const columns = [];
  for (const node of flow.nodes) (columns[level.get(node.name)] ??= []).push(node);
  const width = 132, height = 70, gapX = 34, gapY = 26;
  const position = new Map();
  columns.forEach((column, x) => column.forEach((node, y) => position.set(node.name, { x: 10 + x * (width + gapX), y: 10 + y * (height + gapY) })));
  for (const element of ui.graph.querySelectorAll('.node')) element.remove();
  ui.edges.replaceChildren();
  for (const c of flow.connections) {
    const a = position.get(c.from), b = position.get(c.to);
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
    line.setAttribute('x1', a.x + width); line.setAttribute('y1', a.y + height / 2);
    line.setAttribute('x2', b.x); line.setAttribute('y2', b.y + height / 2);
    line.dataset.from = c.from;
    line.dataset.output = c.fromOutput ?? 'main';
    ui.edges.append(line);
    if (c.fromOutput && c.fromOutput !== 'main') {
      // The output an edge starts at (if: true/false, switch: a rule or fallback, error), written next to its start.
      const label = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      label.setAttribute('x', a.x + width + 4); label.setAttribute('y', a.y + height / 2 + (b.y >= a.y ? 12 : -4));
      label.textContent = c.fromOutput;
      ui.edges.append(label);
    }
  }
  for (const node of flow.nodes) {
    const element = document.createElement('div');
    element.className = 'node';
    element.dataset.nodeName = node.name;
    element.dataset.status = 'idle';
    element.style.left = `${position.get(node.name).x}px`;
    element.style.top = `${position.get(node.name).y}px`;
    element.innerHTML = '<span class="icon"></span><div class="name"></div><div class="type"></div><div class="node-note"></div><div class="node-error"></div><div class="stream"></div>';
    element.querySelector('.name').textContent = node.name;
    element.querySelector('.type').textContent = node.type + (node.disabled ? ' (disabled)' : '');
    element.addEventListener('click', () => showDetails(node.name));
    ui.graph.append(element);
  }
  const rows = Math.max(...columns.map((c) => c.length));
  ui.graph.style.minHeight = `${20 + rows * (height + gapY)}px`;
  ui.graph.style.minWidth = `${20 + columns.length * (width + gapX)}px`;
}

function nodeElement(name) {
  return ui.graph.querySelector(`.node[data-node-name="${CSS.escape(name)}"]`);
}

function setNode(name, changes) {
  const data = { ...(nodeData.get(name) ?? {}), ...changes };
  nodeData.set(name, data);
  const element = nodeElement(name);
  if (!element) return;
  if (changes.status) element.dataset.status = changes.status;
  element.querySelector('.node-error').textContent = data.error ?? '';
  element.querySelector('.node-note').textContent = data.note ?? '';
  element.querySelector('.stream').textContent = data.text ?? '';
}

function showDetails(name) {
  const data = nodeData.get(name) ?? {};
  ui.details.hidden = false;
  ui.detailsTitle.textContent = `${name} — ${data.status ?? 'idle'}`;
  ui.detailsBody.textContent = data.error ? `Error: ${data.error}` : JSON.stringify(data.output ?? null, null, 2);
}

function reset() {
  nodeData = new Map();
  for (const element of ui.graph.querySelectorAll('.node')) setNode(element.dataset.nodeName, { status: 'idle', error: '', note: '', text: '' });
  ui.log.replaceChildren();
  ui.progress.value = 0; ui.percent.textContent = '0%'; ui.eta.textContent = ''; ui.status.textContent = '';
  ui.details.hidden = true;
  for (const line of ui.edges.querySelectorAll('line')) line.removeAttribute('class');
  setExecutionStatus('idle');
  setConnection('idle');
}

function setExecutionStatus(status) {
  document.body.dataset.executionStatus = status;
  const active = status === 'running' || status === 'paused';
  ui.run.disabled = active || !selected;
  ui.cancel.disabled = !active;
  ui.pause.disabled = status !== 'running';
  ui.resume.disabled = status !== 'paused';
  ui.status.textContent = status === 'idle' ? '' : status;
}

function setConnection(state, detail) {
  ui.connection.dataset.state = state;
  ui.connection.textContent = state === 'reconnecting' ? 'reconnecting…' : state;
  ui.connection.title = detail ?? '';
}

function logEvent(event) {
  const item = document.createElement('li');
  item.dataset.seq = String(event.id);
  item.value = event.id;
  item.innerHTML = '<span class="t"></span> <span class="d"></span>';
  item.querySelector('.t').textContent = event.type;
  item.querySelector('.d').textContent = JSON.stringify(event.data);
  ui.log.append(item);
  item.scrollIntoView({ block: 'nearest' });
}

function onEvent(event) {
  logEvent(event);
  const d = event.data;
  switch (event.type) {
    case 'executionStarted':
      executionId = d.executionId;
      break;
    case 'nodeExecutionBefore':
      setNode(d.nodeName, { status: 'running', note: '', error: '', text: '' });
      break;
    case 'nodeExecutionRetry':
      setNode(d.nodeName, { note: `attempt ${d.attempt} failed: ${d.error.message} — retrying in ${d.waitMs} ms` });
      break;
    case 'nodeExecutionProgress':
      if (typeof d.data?.delta === 'string') setNode(d.nodeName, { text: (nodeData.get(d.nodeName)?.text ?? '') + d.data.delta });
      if (d.data?.childExecutionId != null) setNode(d.nodeName, { note: `runs ${d.data.workflowId ?? 'a workflow'} as execution ${d.data.childExecutionId}` });
      break;
    case 'nodeExecutionAfter': {
      const status = d.status === 'success' || d.status === 'error' || d.status === 'canceled' || d.status === 'skipped' ? d.status : 'success';
      const note = d.attempt > 1 ? `succeeded on attempt ${d.attempt}` : '';
      setNode(d.nodeName, { status, output: d.data, error: d.error?.message ?? '', note: status === 'success' ? note : '' });
      if (status === 'success' || d.output) {
        // Light the edges of the output the node left by (`output`, main when absent); the others carried nothing.
        for (const line of ui.edges.querySelectorAll('line')) {
          if (line.dataset.from === d.nodeName) line.setAttribute('class', line.dataset.output === (d.output ?? 'main') ? 'taken' : 'not-taken');
        }
      }
      ui.progress.value = d.progress.percent;
      ui.percent.textContent = `${d.progress.percent}%`;
      ui.eta.textContent = d.estimatedRemainingMs != null && d.progress.completed < d.progress.total ? `about ${(d.estimatedRemainingMs / 1000).toFixed(1)} s left` : '';
      break;
    }
    case 'executionPaused':
      setExecutionStatus('paused');
      break;
    case 'executionResumed':
      setExecutionStatus('running');
      break;
    case 'executionFinished':
      for (const [name, data] of nodeData) if (data.status === 'running') setNode(name, { status: 'canceled' });
      for (const element of ui.graph.querySelectorAll('.node[data-status="idle"]')) setNode(element.dataset.nodeName, { status: 'skipped' });
      ui.eta.textContent = '';
      setExecutionStatus(d.status);
      break;
    default:
      break; // newer event types are ignored
  }
}

async function run() {
  if (!selected) return;
  let inputData;
  try {
    inputData = JSON.parse(ui.input.value || '{}');
  } catch (error) {
    ui.status.textContent = `Input is not JSON: ${error.message}`;
    return;
  }
  reset();
  executionId = null;
  setExecutionStatus('running');
  try {
    await runExecution({ flowId: selected.id, inputData }, {
      onEvent,
      onState: setConnection,
      onExecutionId: (id) => { executionId = id; },
    });
  } catch (error) {
    setConnection('failed', String(error.message ?? error));
    ui.status.textContent = String(error.message ?? error);
    if (document.body.dataset.executionStatus === 'running') setExecutionStatus('error');
  }
}

async function control(action) {
  if (executionId === null) return;
  try {
    await controlExecution(executionId, action);
  } catch (error) {
    ui.status.textContent = String(error.message ?? error);
  }
}

ui.run.addEventListener('click', run);
ui.cancel.addEventListener('click', () => control('cancel'));
ui.pause.addEventListener('click', () => control('pause'));
ui.resume.addEventListener('click', () => control('resume'));
loadFlows();
