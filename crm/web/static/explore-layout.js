// The explorer's layout off the page's thread: ForceAtlas2 (graphology-library) on the nodes and
// ties the page sends; answers their positions. The page names the vendored scripts to load
// (their hashed URLs), so this worker needs no URL of its own.
/* global graphology, graphologyLibrary */
"use strict";
var loaded = false;

self.onmessage = function (event) {
  var job = event.data;
  if (!loaded) {
    importScripts.apply(null, job.scripts);
    loaded = true;
  }
  var graph = new graphology.Graph({ type: "undirected", multi: true });
  job.nodes.forEach(function (node) {
    graph.addNode(node.key, { x: node.x, y: node.y, size: node.size, fixed: node.fixed });
  });
  job.edges.forEach(function (edge) {
    graph.addEdge(edge[0], edge[1], { weight: edge[2] });
  });
  var fa2 = graphologyLibrary.layoutForceAtlas2;
  var settings = fa2.inferSettings(graph);
  settings.barnesHutOptimize = graph.order > 300;
  settings.adjustSizes = false;
  settings.edgeWeightInfluence = 0.5;
  var positions = fa2(graph, { iterations: job.iterations, settings: settings, getEdgeWeight: "weight" });
  self.postMessage({ id: job.id, positions: positions });
};
