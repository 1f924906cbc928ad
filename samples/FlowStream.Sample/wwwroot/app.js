// The page: lists the flows (and the files that failed to load), draws the selected flow, runs it and shows every node's state live.
// Opened with ?watch=<executionId>&token=<shareToken> it only follows that run (read-only): no flow list, no Run or controls.
import { runExecution, controlExecution, shareExecution, watchExecution, getExecution } from './flowstream.js';

const $ = (selector) => document.querySelector(selector);
const ui = {
  flows: $('#flows'), flowProblems: $('#flow-problems'), flowProblemList: $('#flow-problem-list'), input: $('#input'),
  viewport: $('#graph-viewport'), sizer: $('#graph-sizer'), graph: $('#graph'), edges: $('#edges'), log: $('#log'), logPane: $('#log-pane'),
  run: $('#run'), pause: $('#pause'), resume: $('#resume'), cancel: $('#cancel'),
  zoomIn: $('#zoom-in'), zoomOut: $('#zoom-out'), zoomFit: $('#zoom-fit'),
  progress: $('#progress'), percent: $('#percent'), eta: $('#eta'), status: $('#execution-status'), hint: $('#hint'),
  connection: $('#connection'), sidebar: $('#sidebar'), details: $('#details'), detailsTitle: $('#details-title'), detailsHelp: $('#details-help'),
  detailsBody: $('#details-body'), detailsClose: $('#details-close'), flowTitle: $('#flow-title'),
  controls: $('#toolbar .controls'), shareGroup: $('#toolbar .share'), share: $('#share'), sharePanel: $('#share-panel'),
  shareLink: $('#share-link'), shareStatus: $('#share-status'), watching: $('#watching'), watchInfo: $('#watch-info'), runSetup: $('#run-setup'),
};

/** The class of each edge (from node + output) once its node has finished: taken or not-taken. Survives relayouts. */
const edgeClasses = new Map();

// The sticky toolbar's real height (it wraps on narrow screens, more so with the share link shown): what is scrolled into view
// lands below it (styles.css, scroll-padding-top).
new ResizeObserver(() => document.documentElement.style.setProperty('--toolbar-height', `${document.getElementById('toolbar').offsetHeight}px`))
  .observe(document.getElementById('toolbar'));


/** The Gemini node's error when no key is set; the page then says how to set one. */
const NO_API_KEY = 'API key not configured';
const KEY_HELP = 'The Gemini node needs an API key. Stop the sample, set one with '
  + '<code>dotnet user-secrets set FlowStream:Gemini:ApiKey YOUR_KEY --project samples/FlowStream.Sample</code> '
  + '(or start it with <code>GEMINI_API_KEY=YOUR_KEY</code>), then start it again and run the flow.';

let flows = [];
let selected = null;
let executionId = null;
let executionIdKnown = null; // resolves with the id once the server has told it
let nodeData = new Map(); // name -> { status, output, error, note, text, continued, event }
let shownNode = null;
let zoom = 1;
let autoFit = true;

// ---- flows ----

async function loadFlows() {
  const response = await fetch('/api/flows');
  const body = await response.json();
  flows = body.flows ?? [];
  ui.flows.replaceChildren(...flows.map((flow) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = flow.name;
    button.title = flow.name;
    button.dataset.flowId = flow.id;
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', () => select(flow.id));
    item.append(button);
    return item;
  }));
  showFlowProblems(body.problems ?? []);
  if (flows.length > 0) select(flows[0].id);
}

/** Files of the flows folder that could not be loaded stay in the list, with what is wrong with them. */
function showFlowProblems(problems) {
  ui.flowProblems.hidden = problems.length === 0;
  ui.flowProblemList.replaceChildren(...problems.map((problem) => {
    const item = document.createElement('li');
    item.className = 'flow-problem';
    item.dataset.file = problem.file;
    const file = document.createElement('span');
    file.className = 'file';
    file.textContent = problem.file;
    const message = document.createElement('span');
    message.className = 'problem';
    message.textContent = problem.message;
    item.append(file, message);
    return item;
  }));
}

function select(flowId) {
  if (isActive()) return;
  selected = flows.find((flow) => flow.id === flowId);
  for (const button of ui.flows.querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.dataset.flowId === flowId));
  ui.flowTitle.textContent = `Workflow: ${selected.name}`;
  draw(selected);
  reset();
  ui.run.disabled = false;
}

// ---- graph ----

/** On a narrow screen the graph runs top to bottom, so that it uses the panel's height rather than scrolling sideways. */
const narrow = window.matchMedia('(max-width: 719px)');
narrow.addEventListener('change', () => {
  if (!selected) return;
  draw(selected);
  for (const [name, data] of nodeData) setNode(name, { status: data.status ?? 'idle' });
});

/**
 * Lays the nodes out on a CSS grid, one column (one row on a narrow screen) per topological level (longest path from a root),
 * and joins them with SVG curves.
 */
function draw(flow) {
  const vertical = narrow.matches;
  ui.graph.dataset.orientation = vertical ? 'vertical' : 'horizontal';
  // Without connections (a shared run whose flow is not in the list) the nodes stand in a row, in the summary's order.
  const level = new Map(flow.nodes.map((n, i) => [n.name, flow.inRow ? i : 0]));
  for (let pass = 0; pass < flow.nodes.length; pass++) {
    for (const c of flow.connections) level.set(c.to, Math.max(level.get(c.to), level.get(c.from) + 1));
  }
  const rowsUsed = [];
  for (const element of ui.graph.querySelectorAll('.node')) element.remove();
  for (const node of flow.nodes) {
    const column = level.get(node.name);
    const row = (rowsUsed[column] = (rowsUsed[column] ?? 0) + 1);
    const element = document.createElement('button');
    element.type = 'button';
    element.className = 'node';
    element.dataset.nodeName = node.name;
    element.dataset.status = 'idle';
    element.title = node.name;
    element.setAttribute('aria-expanded', 'false');
    element.setAttribute('aria-controls', 'details');
    element.style.gridColumn = String(vertical ? row : column + 1);
    element.style.gridRow = String(vertical ? column + 1 : row);
    // The button's accessible name is its visible text plus a status for screen readers: "Enrich set, succeeded".
    element.innerHTML = '<span class="icon" aria-hidden="true"></span><span class="name"></span><span class="type"></span><span class="status-text visually-hidden"></span>'
      + '<span class="node-note"></span><span class="node-error"></span><span class="stream"></span><span class="more" aria-hidden="true">more…</span>';
    element.querySelector('.name').textContent = node.name;
    element.querySelector('.type').textContent = node.type + (node.disabled ? ' (disabled)' : '');
    element.addEventListener('click', () => showDetails(node.name));
    ui.graph.append(element);
    updateNodeLabel(element);
  }
  autoFit = true;
  layoutObserver.disconnect();
  layoutObserver.observe(ui.graph);
  layoutObserver.observe(ui.viewport);
  for (const element of ui.graph.querySelectorAll('.node')) layoutObserver.observe(element);
  relayout();
}

/** Redraws the edges and resizes the scroll area whenever a node or the panel changes size. */
const layoutObserver = new ResizeObserver(() => relayout());

function relayout() {
  if (!selected) return;
  if (autoFit) zoom = fitZoom();
  const width = ui.graph.offsetWidth, height = ui.graph.offsetHeight;
  ui.graph.style.transform = `scale(${zoom})`;
  ui.sizer.style.width = `${Math.ceil(width * zoom)}px`;
  ui.sizer.style.height = `${Math.ceil(height * zoom)}px`;
  ui.zoomFit.setAttribute('aria-pressed', String(autoFit));
  ui.edges.setAttribute('width', width);
  ui.edges.setAttribute('height', height);
  const paths = [];
  for (const c of selected.connections) {
    const a = nodeElement(c.from), b = nodeElement(c.to);
    if (!a || !b) continue;
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    if (ui.graph.dataset.orientation === 'vertical') {
      const x1 = a.offsetLeft + a.offsetWidth / 2, y1 = a.offsetTop + a.offsetHeight;
      const x2 = b.offsetLeft + b.offsetWidth / 2, y2 = b.offsetTop;
      const bend = Math.max(12, (y2 - y1) / 2);
      path.setAttribute('d', `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`);
    } else {
      const x1 = a.offsetLeft + a.offsetWidth, y1 = a.offsetTop + a.offsetHeight / 2;
      const x2 = b.offsetLeft, y2 = b.offsetTop + b.offsetHeight / 2;
      const bend = Math.max(20, (x2 - x1) / 2);
      path.setAttribute('d', `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`);
    }
    path.dataset.from = c.from;
    path.dataset.output = c.fromOutput ?? 'main';
    paths.push(path);
    if (c.fromOutput && c.fromOutput !== 'main') {
      // The output an edge starts at (if: true/false, switch: a rule or fallback, error), written next to its start.
      const label = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      const vertical = ui.graph.dataset.orientation === 'vertical';
      label.setAttribute('x', vertical ? a.offsetLeft + a.offsetWidth / 2 + 4 : a.offsetLeft + a.offsetWidth + 4);
      label.setAttribute('y', vertical ? a.offsetTop + a.offsetHeight + 12 : a.offsetTop + a.offsetHeight / 2 + (b.offsetTop >= a.offsetTop ? 12 : -4));
      label.textContent = c.fromOutput;
      paths.push(label);
    }
  }
  ui.edges.replaceChildren(...paths);
  paintEdges();
}

function paintEdges() {
  for (const path of ui.edges.querySelectorAll('path')) {
    const cls = edgeClasses.get(`${path.dataset.from}\u0000${path.dataset.output}`);
    if (cls) path.setAttribute('class', cls); else path.removeAttribute('class');
  }
}

/** The zoom that fits the whole graph in the panel, between 0.75 and 1 (below that text gets too small: the panel scrolls instead). */
function fitZoom() {
  const width = ui.graph.offsetWidth, height = ui.graph.offsetHeight;
  if (!width || !height) return 1;
  const available = Math.min((ui.viewport.clientWidth - 2) / width, (ui.viewport.clientHeight - 2) / height);
  return Math.max(0.75, Math.min(1, Math.floor(available * 100) / 100));
}

function setZoom(value) {
  autoFit = false;
  zoom = Math.max(0.3, Math.min(2, Math.round(value * 10) / 10));
  relayout();
}

ui.zoomIn.addEventListener('click', () => setZoom(zoom + 0.1));
ui.zoomOut.addEventListener('click', () => setZoom(zoom - 0.1));
ui.zoomFit.addEventListener('click', () => { autoFit = true; relayout(); });

// Drag the empty background to pan (the panel also scrolls with the wheel, touch and the arrow keys).
let pan = null;
ui.viewport.addEventListener('pointerdown', (e) => {
  if (e.button !== 0 || e.target.closest('.node')) return;
  pan = { x: e.clientX, y: e.clientY, left: ui.viewport.scrollLeft, top: ui.viewport.scrollTop, id: e.pointerId };
  ui.viewport.setPointerCapture(e.pointerId);
  ui.viewport.classList.add('panning');
});
ui.viewport.addEventListener('pointermove', (e) => {
  if (!pan || e.pointerId !== pan.id) return;
  ui.viewport.scrollLeft = pan.left - (e.clientX - pan.x);
  ui.viewport.scrollTop = pan.top - (e.clientY - pan.y);
});
const endPan = () => { pan = null; ui.viewport.classList.remove('panning'); };
ui.viewport.addEventListener('pointerup', endPan);
ui.viewport.addEventListener('pointercancel', endPan);

function nodeElement(name) {
  return ui.graph.querySelector(`.node[data-node-name="${CSS.escape(name)}"]`);
}

const STATUS_TEXT = { idle: 'not run', running: 'running', success: 'succeeded', error: 'failed', canceled: 'canceled', skipped: 'skipped' };

function statusText(data) {
  if (data.status === 'error' && data.continued) return 'error, continued';
  return STATUS_TEXT[data.status ?? 'idle'] ?? data.status;
}

function updateNodeLabel(element) {
  const data = nodeData.get(element.dataset.nodeName) ?? {};
  element.querySelector('.status-text').textContent = `, ${statusText(data)}`;
}

function setNode(name, changes) {
  const data = { ...(nodeData.get(name) ?? {}), ...changes };
  nodeData.set(name, data);
  const element = nodeElement(name);
  if (!element) return;
  if (changes.status) element.dataset.status = changes.status;
  element.dataset.continued = String(Boolean(data.continued));
  element.querySelector('.node-error').textContent = data.error ?? '';
  element.querySelector('.node-note').textContent = data.note ?? '';
  const stream = element.querySelector('.stream');
  stream.textContent = data.text ?? '';
  stream.scrollTop = stream.scrollHeight;
  // Long messages are capped to a few lines; "more…" says the rest is in the details.
  const clipped = [...element.querySelectorAll('.name, .node-note, .node-error, .stream')].some((part) => part.scrollHeight > part.clientHeight + 1);
  element.classList.toggle('clipped', clipped);
  updateNodeLabel(element);
  if (shownNode === name) showDetails(name, false);
  updateHint();
}

function showDetails(name, focus = true) {
  const data = nodeData.get(name) ?? {};
  shownNode = name;
  for (const element of ui.graph.querySelectorAll('.node')) element.setAttribute('aria-expanded', String(element.dataset.nodeName === name));
  ui.details.hidden = false;
  ui.detailsTitle.textContent = `${name} — ${statusText(data)}`;
  ui.detailsHelp.hidden = data.error !== NO_API_KEY;
  ui.detailsHelp.innerHTML = data.error === NO_API_KEY ? KEY_HELP : '';
  let body;
  if (data.error) body = `Error: ${data.error}` + (data.continued ? '\n(the node has continueOnFail: its successors ran with this error as their input)' : '');
  else if (data.status === 'running' && data.text) body = data.text;
  else body = JSON.stringify(data.output ?? null, null, 2);
  if (data.note) body += `\n\n${data.note}`;
  ui.detailsBody.textContent = body;
  if (focus) ui.detailsBody.focus({ preventScroll: false });
}

function hideDetails() {
  const name = shownNode;
  shownNode = null;
  ui.details.hidden = true;
  for (const element of ui.graph.querySelectorAll('.node')) element.setAttribute('aria-expanded', 'false');
  if (name) nodeElement(name)?.focus();
}

ui.detailsClose.addEventListener('click', hideDetails);
ui.details.addEventListener('keydown', (e) => { if (e.key === 'Escape') hideDetails(); });

function updateHint() {
  const missingKey = [...nodeData.values()].some((data) => data.error === NO_API_KEY);
  ui.hint.hidden = !missingKey;
  if (missingKey && !ui.hint.innerHTML) ui.hint.innerHTML = `<strong>${NO_API_KEY}.</strong> ${KEY_HELP}`;
  if (!missingKey) ui.hint.innerHTML = '';
}

// ---- execution state ----

function isActive() {
  const status = document.body.dataset.executionStatus;
  return status === 'running' || status === 'paused';
}

function reset() {
  nodeData = new Map();
  eta.reset();
  for (const element of ui.graph.querySelectorAll('.node')) setNode(element.dataset.nodeName, { status: 'idle', error: '', note: '', text: '', continued: false });
  ui.log.replaceChildren();
  ui.progress.value = 0; ui.percent.textContent = '0%'; ui.eta.textContent = ''; ui.status.textContent = '';
  shownNode = null;
  ui.details.hidden = true;
  edgeClasses.clear();
  paintEdges();
  setExecutionStatus('idle');
  setConnection('idle');
  ui.share.disabled = true;
  ui.sharePanel.hidden = true;
  ui.shareLink.value = '';
  ui.shareStatus.textContent = '';
}

/**
 * Enables the buttons that fit the status. When the focused button becomes disabled (Run after a click, Pause once paused…),
 * focus moves to the button the user most likely wants next, instead of falling to the page.
 */
function setExecutionStatus(status) {
  const focused = document.activeElement;
  document.body.dataset.executionStatus = status;
  const active = status === 'running' || status === 'paused';
  ui.run.disabled = active || !selected;
  ui.cancel.disabled = !active;
  ui.pause.disabled = status !== 'running';
  ui.resume.disabled = status !== 'paused';
  ui.status.textContent = status === 'idle' ? '' : status;
  for (const link of ui.flows.querySelectorAll('button')) link.disabled = active;
  if (focused && focused !== document.body && focused.disabled === true) {
    const next = status === 'running' ? ui.pause : status === 'paused' ? ui.resume : ui.run;
    if (!next.disabled) next.focus();
  }
  eta.render();
}

function setConnection(state, detail) {
  ui.connection.dataset.state = state;
  ui.connection.textContent = state === 'reconnecting' ? 'reconnecting…' : state;
  ui.connection.title = detail ?? '';
}

// ---- time left ----

/**
 * The time left, from what the page has seen: the mean duration of the finished nodes, the nodes still running (their elapsed
 * time against that mean) and the nodes not started, spread over the flow's parallelism. Never 0 while work runs; "paused" while paused.
 */
const eta = {
  running: new Map(), // name -> performance.now() when it started
  durations: [],
  completed: 0,
  total: 0,
  timer: 0,
  reset() {
    this.running.clear(); this.durations = []; this.completed = 0; this.total = 0;
    clearInterval(this.timer); this.timer = 0;
  },
  started(total) {
    this.total = total ?? selected?.nodes.length ?? 0;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.render(), 250);
  },
  nodeStarted(name) { this.running.set(name, performance.now()); this.render(); },
  nodeFinished(name, ms, completed, total) {
    this.running.delete(name);
    if (typeof ms === 'number') this.durations.push(ms);
    if (typeof completed === 'number') this.completed = completed;
    if (typeof total === 'number') this.total = total;
    this.render();
  },
  finished() { clearInterval(this.timer); this.timer = 0; this.running.clear(); ui.eta.textContent = ''; },
  estimateMs() {
    const now = performance.now();
    const mean = this.durations.length ? this.durations.reduce((a, b) => a + b, 0) / this.durations.length : null;
    const parallelism = Math.max(1, selected?.maxDegreeOfParallelism ?? 1);
    const notStarted = Math.max(0, this.total - this.completed - this.running.size);
    let longest = 0, sum = 0;
    for (const start of this.running.values()) {
      const elapsed = now - start;
      // A node under the mean needs the rest of the mean; one past it is assumed to need as long again as it has taken so
      // far (the usual guess for a duration nobody knows); never less than 200 ms while it runs.
      const left = Math.max(mean !== null && elapsed < mean ? mean - elapsed : elapsed, 200);
      longest = Math.max(longest, left);
      sum += left;
    }
    if (mean === null && notStarted > 0) return null;
    return Math.max(longest, (sum + notStarted * (mean ?? 0)) / parallelism);
  },
  render() {
    const status = document.body.dataset.executionStatus;
    if (status === 'paused') { ui.eta.textContent = 'paused'; return; }
    if (status !== 'running' || !this.timer) { if (status !== 'running') ui.eta.textContent = ''; return; }
    const ms = this.estimateMs();
    if (ms === null) { ui.eta.textContent = 'estimating…'; return; }
    if (this.running.size === 0 && this.completed >= this.total) { ui.eta.textContent = 'finishing…'; return; }
    ui.eta.textContent = ms < 1000 ? 'under 1 s left' : `about ${Math.ceil(ms / 100) / 10} s left`;
  },
};

// ---- event log ----

const LOG_STATUS = {
  executionStarted: () => 'started',
  nodeExecutionBefore: () => 'running',
  nodeExecutionAfter: (d) => (d.status === 'error' && d.continuedOnFail ? 'error, continued' : d.status ?? 'success'),
  nodeExecutionRetry: (d) => `retry after attempt ${d.attempt}`,
  nodeExecutionProgress: (d) => (d.data?.retry ? `retry after attempt ${d.data.retry.attempt}` : 'progress'),
  executionPaused: () => 'paused',
  executionResumed: () => 'resumed',
  executionFinished: (d) => d.status,
};

function logEvent(event) {
  const pinned = ui.logPane.scrollHeight - ui.logPane.scrollTop - ui.logPane.clientHeight < 40;
  const item = document.createElement('li');
  item.dataset.seq = String(event.id);
  item.dataset.type = event.type;
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  const part = (className, text) => {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    return span;
  };
  const time = new Date();
  const status = LOG_STATUS[event.type]?.(event.data) ?? '';
  summary.append(
    part('time', `${time.toLocaleTimeString('en-GB', { hour12: false })}.${String(time.getMilliseconds()).padStart(3, '0')}`),
    part('type', `#${event.id} ${event.type}`),
    part('status', status),
  );
  if (event.data?.nodeName) summary.append(part('node-name', event.data.nodeName));
  summary.lastChild.title = event.data?.nodeName ?? '';
  summary.querySelector('.status').dataset.status = status;
  const pre = document.createElement('pre');
  details.append(summary, pre);
  // The full JSON is rendered when the row is first opened.
  details.addEventListener('toggle', () => { if (details.open && !pre.textContent) pre.textContent = JSON.stringify(event, null, 2); });
  item.append(details);
  ui.log.append(item);
  if (pinned) ui.logPane.scrollTop = ui.logPane.scrollHeight;
}

// ---- events ----

function onEvent(event) {
  logEvent(event);
  const d = event.data;
  switch (event.type) {
    case 'executionStarted':
      setExecutionId(d.executionId);
      eta.started(d.totalNodes);
      break;
    case 'nodeExecutionBefore':
      // A node that will not run (disabled, or on a branch not taken) says so already here: it is never shown running.
      if (d.reason) break;
      setNode(d.nodeName, { status: 'running', note: '', error: '', text: '', continued: false });
      eta.nodeStarted(d.nodeName);
      break;
    case 'nodeExecutionRetry':
      setNode(d.nodeName, { note: `attempt ${d.attempt} failed: ${d.error.message} — retrying in ${d.waitMs} ms` });
      break;
    case 'nodeExecutionProgress':
      if (typeof d.data?.delta === 'string') setNode(d.nodeName, { text: (nodeData.get(d.nodeName)?.text ?? '') + d.data.delta });
      else if (d.data?.retry) {
        const r = d.data.retry;
        setNode(d.nodeName, { note: `attempt ${r.attempt} of ${r.maxAttempts} failed: ${r.reason} — retrying in ${(r.waitMs / 1000).toFixed(1)} s` });
      }
      if (d.data?.childExecutionId != null) setNode(d.nodeName, { note: `runs ${d.data.workflowId ?? 'a workflow'} as execution ${d.data.childExecutionId}`, child: `${d.data.workflowId ?? 'a workflow'} as execution ${d.data.childExecutionId}` });
      break;
    case 'nodeExecutionAfter': {
      const status = d.status === 'success' || d.status === 'error' || d.status === 'canceled' || d.status === 'skipped' ? d.status : 'success';
      const note = d.attempt > 1 ? `succeeded on attempt ${d.attempt}` : '';
      const continued = status === 'error' && d.continuedOnFail === true;
      setNode(d.nodeName, {
        status, output: d.data, error: d.error?.message ?? '', continued,
        note: status === 'success' ? (note || (nodeData.get(d.nodeName)?.child ? `ran ${nodeData.get(d.nodeName).child}` : '')) : continued ? 'error, continued' : d.error?.message === NO_API_KEY ? 'how to set a key: open this node' : '',
      });
      if (d.progress) {
        ui.progress.value = d.progress.percent;
        ui.percent.textContent = `${d.progress.percent}%`;
      }
      eta.nodeFinished(d.nodeName, d.executionTimeMs, d.progress?.completed, d.progress?.total);
      if (status === 'success' || d.output) {
        // Light the edges of the output the node left by (`output`, main when absent); the others carried nothing.
        for (const c of selected?.connections ?? []) {
          if (c.from !== d.nodeName) continue;
          const output = c.fromOutput ?? 'main';
          edgeClasses.set(`${c.from}\u0000${output}`, output === (d.output ?? 'main') || (d.outputs ?? []).includes(output) ? 'taken' : 'not-taken');
        }
        paintEdges();
      }
      break;
    }
    case 'executionPaused':
      setExecutionStatus('paused');
      break;
    case 'executionResumed':
      setExecutionStatus('running');
      break;
    case 'executionFinished':
      eta.finished();
      for (const [name, data] of nodeData) if (data.status === 'running') setNode(name, { status: 'canceled' });
      for (const element of ui.graph.querySelectorAll('.node[data-status="idle"]')) setNode(element.dataset.nodeName, { status: 'skipped' });
      setExecutionStatus(d.status);
      ui.eta.textContent = '';
      break;
    default:
      break; // newer event types are ignored
  }
}

let resolveExecutionId = () => {};

function setExecutionId(id) {
  if (executionId !== null) return;
  executionId = id;
  resolveExecutionId(id);
  ui.share.disabled = watching;
}

async function run() {
  if (!selected) return;
  let inputData;
  try {
    inputData = JSON.parse(ui.input.value || '{}');
  } catch (error) {
    ui.status.textContent = `Input is not JSON: ${error.message}`;
    ui.input.focus();
    return;
  }
  reset();
  executionId = null;
  executionIdKnown = new Promise((resolve) => { resolveExecutionId = resolve; });
  setExecutionStatus('running');
  try {
    await runExecution({ flowId: selected.id, inputData }, {
      onEvent,
      onState: setConnection,
      onExecutionId: setExecutionId,
    });
  } catch (error) {
    setConnection('failed', String(error.message ?? error));
    eta.finished();
    if (isActive()) setExecutionStatus('error');
    ui.status.textContent = String(error.message ?? error);
  }
}

/** Cancel, pause or resume; a click before the server has named the execution waits for its id. */
async function control(action) {
  if (!isActive() || !executionIdKnown) return;
  try {
    await controlExecution(await executionIdKnown, action);
  } catch (error) {
    ui.status.textContent = String(error.message ?? error);
  }
}

// ---- sharing ----

/**
 * Mints a read-only token for the run and makes the watch-only link: copied to the clipboard when the browser allows it, and
 * always shown (selected, focused) in a read-only field so that it can be copied by hand.
 */
async function share() {
  if (executionId === null) return;
  const id = executionId;
  ui.share.disabled = true;
  try {
    const { token } = await shareExecution(id);
    const link = new URL(location.pathname, location.origin);
    link.searchParams.set('watch', String(id));
    link.searchParams.set('token', token);
    ui.shareLink.value = link.href;
    ui.sharePanel.hidden = false;
    ui.shareLink.focus();
    ui.shareLink.select();
    let copied = false;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(link.href);
        copied = true;
      }
    } catch {
      // Denied (a headless browser, no permission): the field is there to copy from.
    }
    ui.shareStatus.textContent = copied ? 'Link copied: whoever opens it can watch this run, not control it.' : 'Copy the link from the field: whoever opens it can watch this run, not control it.';
  } catch (error) {
    ui.sharePanel.hidden = false;
    ui.shareStatus.textContent = `Could not share the run: ${error.message ?? error}`;
  } finally {
    ui.share.disabled = executionId !== id;
  }
}

// ---- watching a shared run ----

const params = new URLSearchParams(location.search);
const watching = params.has('watch');

/** Follows a run shared with a watch-only link: draws its flow, replays its events and goes on live, with no controls. */
async function watch(id, token) {
  document.body.dataset.mode = 'watch';
  ui.controls.hidden = true;
  ui.shareGroup.hidden = true;
  ui.runSetup.hidden = true;
  ui.watchInfo.hidden = false;
  ui.watching.hidden = false;
  ui.sidebar?.setAttribute('aria-label', 'Shared run');
  if (!Number.isSafeInteger(id) || id < 0 || !token) {
    setConnection('failed');
    ui.status.textContent = 'This watch link is incomplete: it needs an execution id and a token.';
    return;
  }
  try {
    const summary = await getExecution(id, { token });
    // The flow's connections come from the list of flows when the run's flow is one of them (with the same nodes).
    let known = null;
    try {
      const response = await fetch('/api/flows');
      const body = await response.json();
      known = (body.flows ?? []).find((flow) => flow.id === summary.workflowId) ?? null;
    } catch {
      known = null;
    }
    const names = (summary.nodes ?? []).map((n) => n.name);
    const same = known && known.nodes.length === names.length && known.nodes.every((n) => names.includes(n.name));
    selected = same
      ? known
      : { id: summary.workflowId, name: summary.workflowName, nodes: (summary.nodes ?? []).map((n) => ({ name: n.name, type: n.type })), connections: [], inRow: true };
    ui.flowTitle.textContent = `Workflow: ${summary.workflowName ?? selected.name} (watching execution ${id})`;
    draw(selected);
    reset();
    executionId = null;
    executionIdKnown = new Promise((resolve) => { resolveExecutionId = resolve; });
    setExecutionId(id);
    setExecutionStatus('running');
    await watchExecution(id, { token, onEvent, onState: setConnection });
  } catch (error) {
    setConnection('failed', String(error.message ?? error));
    eta.finished();
    if (isActive()) setExecutionStatus('error');
    ui.status.textContent = `Cannot watch this run: ${error.message ?? error}`;
  }
}

ui.run.addEventListener('click', run);
ui.cancel.addEventListener('click', () => control('cancel'));
ui.pause.addEventListener('click', () => control('pause'));
ui.resume.addEventListener('click', () => control('resume'));
ui.share.addEventListener('click', share);
if (watching) watch(Number(params.get('watch')), params.get('token') ?? '');
else loadFlows();
