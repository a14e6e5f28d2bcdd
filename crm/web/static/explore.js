// The network explorer: draws the view the page holds (JSON, #explorer-data) with sigma.js and
// graphology, lays it out with ForceAtlas2 a few steps a frame, and keeps the drawing's state in the URL
// (size, communities, year, x: expanded, rm: removed, pin: pinned, focus), so a link reopens it.
// Without scripts the page shows the same view as tables. Exposed for tests and benchmarks:
// window.crmExplorer (graph, ready, expand, setYear, timings).
/* global graphology, graphologyLibrary, Sigma */
const COUNTRY_COLOURS = { DK: "#c8102e", DE: "#1f4e9c" };
const OTHER_COLOUR = "#6b6b6b";
const BORDER_TIE = "#e07b00";
const TIE = "#b5b5b5";
const COMMUNITY_COLOURS = [
  "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
  "#1f78b4", "#b2df8a", "#fb9a99", "#cab2d6",
];
const LIST_STATE = ["x", "rm", "pin"];

const root = document.getElementById("explorer");
const dataElement = document.getElementById("explorer-data");
const text = JSON.parse(document.getElementById("explorer-text").textContent);
const params = new URLSearchParams(location.search);
const lang = document.documentElement.lang;
const base = "/" + lang + "/explore";

function say(key, values) {
  let message = text[key] || key;
  Object.entries(values || {}).forEach(([name, value]) => {
    message = message.replace("%(" + name + ")s", String(value));
  });
  return message;
}

const status = document.getElementById("explorer-status");
function show(message) {
  if (status) status.textContent = message;
}

const state = {
  view: null,
  nodes: new Map(),
  edges: new Map(),
  expanded: params.getAll("x"),
  removed: new Set(params.getAll("rm")),
  pinned: new Set(params.getAll("pin")),
  focus: params.get("focus"),
  size: params.get("size") === "betweenness" ? "betweenness" : "degree",
  communities: params.get("communities") === "1",
  year: null,
};
const graph = new graphology.Graph({ type: "undirected", multi: true });
const timings = {};
let renderer = null;

function day() {
  const last = state.view.asOf;
  if (state.year === null || String(state.year) === last.slice(0, 4)) return last;
  return state.year + "-12-31";
}

// Each node's ties (ids), to place a node that comes into the drawing beside a neighbour.
const tiesOf = new Map();
function merge(view) {
  view.nodes.forEach((node) => {
    if (!state.nodes.has(node.id)) state.nodes.set(node.id, node);
  });
  view.edges.forEach((edge) => {
    if (!state.edges.has(edge.id)) {
      [edge.source, edge.target].forEach((end) => {
        if (!tiesOf.has(end)) tiesOf.set(end, []);
        tiesOf.get(end).push(edge.id);
      });
    }
    state.edges.set(edge.id, edge);
  });
}

// What the graph holds: the nodes and ties of the day, less the ones removed. Sigma (3.0)
// indexes the whole graph again for every node or tie dropped, so a step that drops some
// (the replay going back, a node removed) empties the graph once and adds back what stays,
// where it was: one indexing instead of one per node and tie.
function rebuild() {
  const until = day();
  const wanted = new Set();
  state.nodes.forEach((node, id) => {
    if (!state.removed.has(id) && (!node.since || node.since <= until)) wanted.add(id);
  });
  const ties = new Set();
  state.edges.forEach((edge, id) => {
    if (!wanted.has(edge.source) || !wanted.has(edge.target)) return;
    if (!edge.since || edge.since <= until) ties.add(id);
  });
  if (graph.someNode((id) => !wanted.has(id)) || graph.someEdge((id) => !ties.has(id))) {
    const kept = [];
    graph.forEachNode((id, attributes) => {
      if (wanted.has(id)) kept.push([id, attributes]);
      else spots.set(id, [attributes.x, attributes.y]);
    });
    graph.clear();
    kept.forEach(([id, attributes]) => graph.addNode(id, attributes));
  }
  wanted.forEach((id) => {
    if (graph.hasNode(id)) return;
    const node = state.nodes.get(id);
    const spot = spots.get(id) || place(id);
    graph.addNode(id, {
      label: node.name,
      x: spot[0],
      y: spot[1],
      fixed: state.pinned.has(id),
      community: node.community,
    });
  });
  ties.forEach((id) => {
    if (graph.hasEdge(id)) return;
    const edge = state.edges.get(id);
    graph.addEdgeWithKey(id, edge.source, edge.target, look(edge));
  });
  paint();
}

// Where the nodes dropped from the drawing were: one that comes back (the replay moving
// forward) comes back there.
const spots = new Map();

// A new node starts beside a neighbour already placed (else on a circle).
function place(id) {
  for (const key of tiesOf.get(id) || []) {
    const edge = state.edges.get(key);
    const other = edge.source === id ? edge.target : edge.source;
    if (graph.hasNode(other)) {
      const at = graph.getNodeAttributes(other);
      return [at.x + (Math.random() - 0.5), at.y + (Math.random() - 0.5)];
    }
  }
  const angle = Math.random() * 2 * Math.PI;
  const radius = 10 * Math.sqrt(state.nodes.size);
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

function look(edge) {
  const strength = edge.strength === null ? 0.3 : edge.strength;
  return {
    size: edge.crossesBorder ? 1.5 + 3 * strength : 0.5 + 2 * strength,
    color: edge.crossesBorder ? BORDER_TIE : TIE,
    weight: 0.2 + strength,
  };
}

function paint() {
  graph.forEachNode((id, attributes) => {
    const node = state.nodes.get(id);
    const measure =
      state.size === "betweenness"
        ? 3 + 30 * Math.sqrt(node.betweenness)
        : 3 + 2.2 * Math.sqrt(graph.degree(id));
    attributes.size = node.type === "Person" ? measure : measure + 2;
    attributes.color = state.communities
      ? COMMUNITY_COLOURS[node.community % COMMUNITY_COLOURS.length]
      : COUNTRY_COLOURS[node.country] || OTHER_COLOUR;
    attributes.fixed = state.pinned.has(id);
    attributes.highlighted = id === state.focus;
  });
  if (renderer) renderer.refresh();
  show(say("counts", { nodes: graph.order, ties: graph.size }));
}

// ForceAtlas2 (graphology-library) in time slices: each slice runs as many iterations as fit
// in SLICE_MS (by the time the last one took), a frame apart, so the page answers while it
// runs. It works on a copy of the graph and shows its positions every SHOW_MS and at the end:
// sigma indexes and draws the whole graph again whenever positions change, which costs more
// than the iterations on a large view (software WebGL: a few hundred ms for 2,000 nodes).
// Barnes-Hut from 300 nodes, with theta 1 rather than 0.5 (a third of the time an iteration
// on 2,000 nodes). The library's worker starts from a blob: URL, which the site's
// Content-Security-Policy forbids. Answers when the last positions are drawn.
const SLICE_MS = 40;
const SHOW_MS = 1000;
let running = null;
function layout(iterations) {
  const fa2 = graphologyLibrary.layoutForceAtlas2;
  const settings = fa2.inferSettings(graph);
  settings.barnesHutOptimize = graph.order > 300;
  settings.barnesHutTheta = 1;
  settings.edgeWeightInfluence = 0.5;
  const work = graph.copy();
  let left = iterations || (graph.order > 1000 ? 60 : graph.order > 200 ? 150 : 300);
  let each = SLICE_MS;
  let shown = performance.now();
  const mine = {};
  running = mine;
  function draw() {
    shown = performance.now();
    graph.updateEachNodeAttributes(
      (id, attributes) => {
        if (!work.hasNode(id)) return attributes;
        const at = work.getNodeAttributes(id);
        return { ...attributes, x: at.x, y: at.y };
      },
      { attributes: ["x", "y"] },
    );
  }
  return new Promise((resolve) => {
    function step() {
      if (running !== mine) return resolve();
      if (work.order < 2 || left <= 0) {
        draw();
        return requestAnimationFrame(() => resolve());
      }
      const count = Math.min(left, Math.max(1, Math.floor(SLICE_MS / each)));
      const began = performance.now();
      fa2.assign(work, { iterations: count, settings, getEdgeWeight: "weight" });
      each = (performance.now() - began) / count;
      left -= count;
      if (left > 0 && performance.now() - shown > SHOW_MS) draw();
      requestAnimationFrame(step);
    }
    step();
  });
}

function remember() {
  const query = new URLSearchParams(location.search);
  ["size", "communities", "year", "focus", ...LIST_STATE].forEach((key) => query.delete(key));
  if (state.size !== "degree") query.set("size", state.size);
  if (state.communities) query.set("communities", "1");
  if (state.year !== null && day() !== state.view.asOf) query.set("year", state.year);
  state.expanded.forEach((id) => query.append("x", id));
  state.removed.forEach((id) => query.append("rm", id));
  state.pinned.forEach((id) => query.append("pin", id));
  if (state.focus) query.set("focus", state.focus);
  history.replaceState(null, "", base + "?" + query.toString());
}

// The view's own parameters (what the server reads), from the page's URL.
function viewParams() {
  const query = new URLSearchParams(location.search);
  ["size", "communities", "year", "focus", ...LIST_STATE].forEach((key) => query.delete(key));
  return query;
}

async function expand(id) {
  show(say("expanding"));
  const form = viewParams();
  form.set("csrf", root.dataset.csrf);
  form.append("of", id);
  state.nodes.forEach((_, shown) => form.append("shown", shown));
  const response = await fetch(base + "/expand.json", { method: "POST", body: form });
  const answer = await response.json();
  if (!response.ok) {
    const problem = answer.problem || {};
    if (problem.code === "LIMIT_EXCEEDED") {
      show(say("limit", { maximum: problem.maximum, counted: say(problem.counted || "nodes") }));
    } else show(say(response.status === 404 ? "notFound" : "failed"));
    return { nodes: 0, ties: 0 };
  }
  const before = { nodes: state.nodes.size, ties: state.edges.size };
  merge(answer);
  if (!state.expanded.includes(id)) state.expanded.push(id);
  rebuild();
  const added = { nodes: state.nodes.size - before.nodes, ties: state.edges.size - before.ties };
  await layout(80);
  remember();
  show(
    added.nodes || added.ties
      ? say("expanded", added) + " " + say("counts", { nodes: graph.order, ties: graph.size })
      : say("nothingNew"),
  );
  return added;
}

function setYear(year) {
  const started = performance.now();
  state.year = year;
  document.getElementById("explorer-year-shown").textContent = day();
  rebuild();
  remember();
  timings.replayMs = performance.now() - started;
  return timings.replayMs;
}

// The side panel: the node's profile link, its ties with their strength and evidence.
const panel = document.getElementById("explorer-panel");
function element(tag, content, attributes) {
  const made = document.createElement(tag);
  if (content !== undefined && content !== null) made.textContent = content;
  Object.entries(attributes || {}).forEach(([name, value]) => made.setAttribute(name, value));
  return made;
}

function open(id) {
  const node = state.nodes.get(id);
  if (!node || !graph.hasNode(id)) return;
  state.focus = id;
  paint();
  remember();
  panel.replaceChildren();
  shown(true);
  panel.append(element("h2", node.name));
  if (node.href) {
    const line = element("p");
    line.append(element("a", say("profile"), { href: node.href }));
    panel.append(line);
  }
  const actions = element("p", null, { class: "explorer-actions" });
  const buttons = [
    [say("expand"), () => expand(id)],
    [say("remove"), () => remove(id)],
    [say(state.pinned.has(id) ? "unpin" : "pin"), () => pin(id)],
    [say("close"), close],
  ];
  buttons.forEach(([label, act]) => {
    const button = element("button", label, { type: "button" });
    button.addEventListener("click", act);
    actions.append(button);
  });
  panel.append(actions);
  panel.append(element("h3", say("tiesOf")));
  const list = element("ul", null, { class: "explorer-ties" });
  graph.forEachEdge(id, (key, _, source, target) => {
    const edge = state.edges.get(key);
    const other = state.nodes.get(source === id ? target : source);
    const item = element("li");
    const go = element("button", other.name, { type: "button", class: "link" });
    go.addEventListener("click", () => open(other.id));
    item.append(go, " · " + say(edge.kind));
    if (edge.strength !== null) item.append(" · " + say("strength", { value: edge.strength.toFixed(2) }));
    if (edge.since) item.append(" · " + say("since", { date: edge.since }));
    if (edge.crossesBorder) item.append(" · " + say("crossBorder"));
    evidence(item, edge.evidence);
    list.append(item);
  });
  panel.append(list);
}

function evidence(item, found) {
  if (!found) return;
  const parts = [
    ["interactions", found.interactions.map((i) => say(i.kind) + " × " + i.count)],
    ["events", found.sharedEvents.map((e) => e.title + " (" + e.date + ")")],
    ["employers", found.sharedEmployers.map((e) => e.name)],
    ["initiatives", found.sharedInitiatives.map((i) => i.name)],
  ];
  const details = element("ul", null, { class: "explorer-evidence" });
  parts.forEach(([key, names]) => {
    if (names.length) details.append(element("li", say(key) + ": " + names.join(", ")));
  });
  if (details.childElementCount) item.append(details);
}

// The panel takes room from the drawing: sigma's canvases follow the container's new size.
function shown(open) {
  if (panel.hidden !== open) return;
  panel.hidden = !open;
  renderer.resize();
  renderer.refresh();
}

function close() {
  shown(false);
  state.focus = null;
  paint();
  remember();
}

function remove(id) {
  state.removed.add(id);
  close();
  rebuild();
  remember();
}

function pin(id) {
  if (state.pinned.has(id)) state.pinned.delete(id);
  else state.pinned.add(id);
  paint();
  open(id);
}

// Exports of the picture as drawn: SVG text, or PNG from a canvas drawn the same way.
function picture() {
  const width = renderer.getContainer().clientWidth;
  const height = renderer.getContainer().clientHeight;
  const at = (id) => renderer.graphToViewport(graph.getNodeAttributes(id));
  const ties = graph.mapEdges((key, a, s, t) => ({ from: at(s), to: at(t), color: a.color, size: a.size }));
  const nodes = graph.mapNodes((key, a) => ({ ...at(key), color: a.color, size: a.size, label: a.label }));
  return { width, height, ties, nodes, scale: renderer.getCamera().ratio };
}

function escape(value) {
  return value.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function svg() {
  const p = picture();
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${p.width}" height="${p.height}" viewBox="0 0 ${p.width} ${p.height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  p.ties.forEach((t) => lines.push(
    `<line x1="${t.from.x.toFixed(1)}" y1="${t.from.y.toFixed(1)}" x2="${t.to.x.toFixed(1)}" y2="${t.to.y.toFixed(1)}" stroke="${t.color}" stroke-width="${t.size.toFixed(1)}"/>`,
  ));
  p.nodes.forEach((n) => {
    lines.push(`<circle cx="${n.x.toFixed(1)}" cy="${n.y.toFixed(1)}" r="${n.size.toFixed(1)}" fill="${n.color}"><title>${escape(n.label)}</title></circle>`);
    if (n.size >= 6) lines.push(`<text x="${(n.x + n.size + 2).toFixed(1)}" y="${(n.y + 4).toFixed(1)}" font-family="sans-serif" font-size="12">${escape(n.label)}</text>`);
  });
  lines.push("</svg>");
  return new Blob([lines.join("\n")], { type: "image/svg+xml" });
}

function png() {
  const p = picture();
  const canvas = document.createElement("canvas");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = p.width * ratio;
  canvas.height = p.height * ratio;
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, p.width, p.height);
  p.ties.forEach((t) => {
    context.strokeStyle = t.color;
    context.lineWidth = t.size;
    context.beginPath();
    context.moveTo(t.from.x, t.from.y);
    context.lineTo(t.to.x, t.to.y);
    context.stroke();
  });
  context.font = "12px sans-serif";
  p.nodes.forEach((n) => {
    context.fillStyle = n.color;
    context.beginPath();
    context.arc(n.x, n.y, n.size, 0, 2 * Math.PI);
    context.fill();
    if (n.size >= 6) {
      context.fillStyle = "#111111";
      context.fillText(n.label, n.x + n.size + 2, n.y + 4);
    }
  });
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

function download(blob, name) {
  const link = element("a", null, { href: URL.createObjectURL(blob), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// Search: names suggested as the visitor types; one in the view is focused, another one is
// added as a centre (the page opens again with it).
function search() {
  const input = document.getElementById("explorer-find");
  const list = document.getElementById("explorer-found");
  let found = [];
  let timer = null;
  input.closest("p").hidden = false;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const chosen = found.find((record) => record.name === input.value);
    if (chosen) return take(chosen);
    timer = setTimeout(async () => {
      const typed = input.value.trim();
      if (typed.length < 2) return;
      const response = await fetch(base + "/find.json?q=" + encodeURIComponent(typed));
      found = response.ok ? await response.json() : [];
      list.replaceChildren(...found.map((record) => element("option", record.hint, { value: record.name })));
      if (!found.length) show(say("noMatch"));
    }, 200);
  });
  function take(record) {
    if (graph.hasNode(record.id)) {
      open(record.id);
      const at = renderer.getNodeDisplayData(record.id);
      renderer.getCamera().animate({ x: at.x, y: at.y, ratio: 0.5 }, { duration: 400 });
      return;
    }
    const query = viewParams();
    query.append("center", record.id);
    location.assign(base + "?" + query.toString());
  }
}

function controls() {
  root.querySelector(".explorer-tools").hidden = false;
  const size = document.getElementById("explorer-size");
  size.value = state.size;
  size.addEventListener("change", () => {
    state.size = size.value;
    paint();
    remember();
  });
  const communities = document.getElementById("explorer-communities");
  communities.checked = state.communities;
  communities.addEventListener("change", () => {
    state.communities = communities.checked;
    paint();
    remember();
  });
  document.getElementById("explorer-relayout").addEventListener("click", () => layout());
  const slider = document.getElementById("explorer-year");
  const last = Number(state.view.asOf.slice(0, 4));
  slider.min = state.view.firstDate ? state.view.firstDate.slice(0, 4) : String(last);
  slider.max = String(last);
  slider.value = String(state.year === null ? last : state.year);
  document.getElementById("explorer-year-shown").textContent = day();
  slider.addEventListener("input", () => setYear(Number(slider.value)));
  const pngButton = document.getElementById("explorer-png");
  const svgButton = document.getElementById("explorer-svg");
  pngButton.hidden = svgButton.hidden = false;
  pngButton.addEventListener("click", async () => download(await png(), "network.png"));
  svgButton.addEventListener("click", () => download(svg(), "network.svg"));
  // The filters reload the page with the view's parameters; the drawing's choices stay.
  document.getElementById("explorer-form").addEventListener("submit", (event) => {
    const form = event.target;
    if (state.size !== "degree") form.append(element("input", null, { type: "hidden", name: "size", value: state.size }));
    if (state.communities) form.append(element("input", null, { type: "hidden", name: "communities", value: "1" }));
  });
}

async function start() {
  search();
  if (!dataElement) return;
  const started = performance.now();
  state.view = JSON.parse(dataElement.textContent);
  const year = Number(params.get("year"));
  const first = state.view.firstDate ? Number(state.view.firstDate.slice(0, 4)) : null;
  if (year && first !== null && year >= first) state.year = year;
  merge(state.view);
  rebuild();
  // a start that ForceAtlas2 refines quickly: the communities packed as circles
  graphologyLibrary.layout.circlepack.assign(graph, { hierarchyAttributes: ["community"] });
  renderer = new Sigma(graph, document.getElementById("explorer-graph"), {
    labelRenderedSizeThreshold: 9,
    zIndex: true,
    allowInvalidContainer: true,
  });
  renderer.on("clickNode", ({ node }) => open(node));
  renderer.on("doubleClickNode", (event) => {
    event.preventSigmaDefault();
    expand(event.node);
  });
  controls();
  await layout();
  timings.drawnMs = performance.now() - started;
  const expansions = state.expanded;
  state.expanded = [];
  for (const id of expansions) await expand(id);
  rebuild();
  if (state.focus && graph.hasNode(state.focus)) open(state.focus);
}

const ready = start();
window.crmExplorer = { graph, state, ready, expand, setYear, timings, layout, renderer: () => renderer };
