/* kggraph network explorer: draws the precomputed network with Cytoscape.js.
 * All document text reaches the page as JSON and is shown with textContent only. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var nodes = data.nodes, edges = data.edges, docs = data.docs || [];
  var SCALE = 1000;
  var big = nodes.length > 1500;
  var $ = function (id) { return document.getElementById(id); };

  function text(el, value) { el.textContent = value == null ? "" : String(value); return el; }
  function make(tag, value, cls) {
    var el = document.createElement(tag);
    if (value != null) text(el, value);
    if (cls) el.className = cls;
    return el;
  }
  function safeUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null; }
  function link(u, label) {
    var url = safeUrl(u);
    if (!url) return make("span", label);
    var a = make("a", label);
    a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
    return a;
  }
  function typeInfo(t) { return data.types[t] || [t, "#444444"]; }

  /* ---- graph ---- */
  var elements = [];
  nodes.forEach(function (n, i) {
    elements.push({
      group: "nodes",
      data: { id: "n" + i, i: i, label: n.l, color: typeInfo(n.t)[1], size: n.s },
      position: { x: n.x * SCALE, y: -n.y * SCALE },
      classes: n.top ? "top" : ""
    });
  });
  edges.forEach(function (e, j) {
    elements.push({ group: "edges", data: { id: "e" + j, source: "n" + e[0], target: "n" + e[1], w: e[2] } });
  });

  var cy = cytoscape({
    container: $("cy"),
    elements: elements,
    layout: { name: "preset", fit: true, padding: 30 },
    minZoom: 0.02,
    maxZoom: 12,
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    motionBlur: false,
    pixelRatio: big ? 1 : "auto",
    boxSelectionEnabled: false,
    style: [
      { selector: "node", style: {
        "width": "data(size)", "height": "data(size)", "background-color": "data(color)",
        "border-width": 0, "label": "", "font-size": 11, "color": "#222",
        "text-outline-color": "#fff", "text-outline-width": 2, "min-zoomed-font-size": 7,
        "text-valign": "top", "text-margin-y": -2, "text-wrap": "ellipsis", "text-max-width": 220 } },
      { selector: "node.top", style: { "label": "data(label)" } },
      { selector: "node.match", style: { "label": "data(label)", "border-width": 3, "border-color": "#ffb000" } },
      { selector: "node:selected", style: { "label": "data(label)", "border-width": 4, "border-color": "#111", "z-index": 10 } },
      { selector: "node.hidden, edge.hidden", style: { "display": "none" } },
      { selector: "edge", style: {
        "curve-style": "haystack", "haystack-radius": 0, "line-color": "#a8a8a8",
        "opacity": 0.45, "width": "mapData(w, 1, 10, 0.6, 4)" } },
      { selector: "edge.near", style: { "line-color": "#333", "opacity": 0.9 } }
    ]
  });

  /* ---- filters: type and date ---- */
  var present = {};
  nodes.forEach(function (n) { present[n.t] = (present[n.t] || 0) + 1; });
  var shown = {};
  Object.keys(data.types).forEach(function (t) {
    if (!present[t]) return;
    shown[t] = true;
    var li = make("li"), label = make("label"), box = make("input");
    box.type = "checkbox"; box.checked = true; box.value = t;
    box.addEventListener("change", function () { shown[t] = box.checked; applyFilters(); });
    var sw = make("span", null, "swatch"); sw.style.background = typeInfo(t)[1];
    label.appendChild(box); label.appendChild(sw); label.appendChild(make("span", typeInfo(t)[0]));
    label.appendChild(make("span", present[t], "count"));
    li.appendChild(label); $("types").appendChild(li);
  });

  function datesOf(n) {
    if (n.t === "document") return n.d ? [n.d] : [];
    return (n.ci || []).map(function (k) { return docs[k].d; }).filter(Boolean);
  }
  function applyFilters() {
    var from = $("date-from").value, to = $("date-to").value;
    cy.batch(function () {
      cy.nodes().forEach(function (node) {
        var n = nodes[node.data("i")], ok = shown[n.t] !== false;
        if (ok && (from || to)) {
          ok = datesOf(n).some(function (d) { return (!from || d >= from) && (!to || d <= to); });
        }
        node.toggleClass("hidden", !ok);
      });
      cy.edges().forEach(function (e) {
        e.toggleClass("hidden", e.source().hasClass("hidden") || e.target().hasClass("hidden"));
      });
    });
    updateStats();
  }
  function updateStats() {
    var n = cy.nodes().not(".hidden").length, m = cy.edges().not(".hidden").length;
    text($("stats"), n + " knopen · " + m + " verbindingen");
  }
  $("date-from").addEventListener("change", applyFilters);
  $("date-to").addEventListener("change", applyFilters);
  $("reset").addEventListener("click", function () {
    $("date-from").value = ""; $("date-to").value = "";
    Array.prototype.forEach.call($("types").querySelectorAll("input"), function (b) { b.checked = true; shown[b.value] = true; });
    cy.nodes().removeClass("match");
    applyFilters(); cy.fit(undefined, 30);
  });

  /* ---- details ---- */
  function fact(dl, term, value) {
    if (!value) return;
    dl.appendChild(make("dt", term)); dl.appendChild(make("dd", value));
  }
  function showDetails(i) {
    var n = nodes[i], node = cy.$id("n" + i);
    cy.elements().unselect(); node.select();
    cy.edges(".near").removeClass("near"); node.connectedEdges().addClass("near");
    $("details").hidden = false;
    text($("d-label"), n.l);
    var also = (n.k || "").split(" ").filter(function (k) { return k && k !== n.t; });
    text($("d-type"), typeInfo(n.t)[0] + (also.length ? " · ook " + also.map(function (k) { return typeInfo(k)[0]; }).join(", ") : ""));
    var dl = $("d-facts"); dl.replaceChildren();
    fact(dl, "Titel", n.ti); fact(dl, "Datum", n.d); fact(dl, "Partij", n.p);
    fact(dl, "Ministerie", n.mi); fact(dl, "Uitgever", n.o); fact(dl, "Domein", n.do);
    fact(dl, "Geciteerd door", n.c ? n.c + " document(en)" : "");
    fact(dl, "Gewicht", n.w); fact(dl, "PageRank", n.pr); fact(dl, "Gemeenschap", n.m);
    var a = $("d-link"), url = safeUrl(n.u);
    $("d-link-row").hidden = !url;
    if (url) { a.href = url; text(a, "Officiële bron: " + url); } else { a.removeAttribute("href"); text(a, ""); }

    var citing = $("d-citing"); citing.replaceChildren();
    var ci = n.ci || [];
    text($("d-citing-title"), ci.length ? "Geciteerd door (" + ci.length + ")" : "");
    ci.forEach(function (k) {
      var d = docs[k], li = make("li");
      li.appendChild(link(d.u, d.l));
      var rest = [d.d, d.ti].filter(Boolean).join(" — ");
      if (rest) li.appendChild(make("span", " " + rest));
      citing.appendChild(li);
    });

    var neigh = $("d-neigh"); neigh.replaceChildren();
    var rows = [];
    node.connectedEdges().forEach(function (e) {
      var other = e.source().same(node) ? e.target() : e.source();
      var j = other.data("i"), edge = edges[e.data("id").slice(1) | 0];
      rows.push({ j: j, w: edge[2], sh: edge[3] || "", out: e.source().same(node) });
    });
    rows.sort(function (x, y) { return y.w - x.w || (nodes[x.j].l < nodes[y.j].l ? -1 : 1); });
    var title = data.directed
      ? (n.t === "document" ? "Citeert" : "Verbonden documenten")
      : "Verbonden via gedeelde citaties";
    var showNeigh = rows.length > 0 && !(data.directed && n.t !== "document" && ci.length > 0);
    text($("d-neigh-title"), showNeigh ? title + " (" + rows.length + ")" : "");
    if (showNeigh) {
      rows.slice(0, 200).forEach(function (r) {
        var m = nodes[r.j], li = make("li"), btn = make("a", m.l);
        btn.href = "#"; btn.addEventListener("click", function (ev) { ev.preventDefault(); focusNode(r.j); });
        li.appendChild(btn);
        if (r.w > 1) li.appendChild(make("span", " ×" + r.w));
        if (r.sh) li.appendChild(make("div", r.sh, "shared"));
        neigh.appendChild(li);
      });
    }
  }
  function hideDetails() {
    $("details").hidden = true; cy.elements().unselect(); cy.edges(".near").removeClass("near");
  }
  $("close").addEventListener("click", hideDetails);
  function focusNode(i) {
    var node = cy.$id("n" + i);
    node.removeClass("hidden");
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.5) }, { duration: 250 });
    showDetails(i);
  }

  cy.on("tap", "node", function (ev) { showDetails(ev.target.data("i")); });
  cy.on("tap", function (ev) { if (ev.target === cy) hideDetails(); });

  /* ---- hover ---- */
  var tip = $("tooltip");
  cy.on("mouseover", "node", function (ev) {
    var n = nodes[ev.target.data("i")], p = ev.renderedPosition, box = $("cy").getBoundingClientRect();
    text(tip, n.l + " — " + typeInfo(n.t)[0] + (n.d ? " · " + n.d : ""));
    tip.style.left = (box.left + p.x + 12) + "px"; tip.style.top = (box.top + p.y + 12) + "px";
    tip.hidden = false;
  });
  cy.on("mouseout", "node", function () { tip.hidden = true; });
  cy.on("viewport", function () { tip.hidden = true; });

  /* ---- search ---- */
  var search = $("search"), results = $("results"), matches = [], timer = null;
  var haystack = nodes.map(function (n) { return (n.l + " " + (n.ti || "") + " " + (n.do || "")).toLowerCase(); });
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    cy.nodes(".match").removeClass("match");
    results.replaceChildren(); matches = [];
    if (q.length < 2) { results.hidden = true; return; }
    for (var i = 0; i < nodes.length && matches.length < 50; i++) {
      if (haystack[i].indexOf(q) >= 0) matches.push(i);
    }
    cy.batch(function () { matches.forEach(function (i) { cy.$id("n" + i).addClass("match"); }); });
    matches.forEach(function (i, k) {
      var li = make("li"); li.setAttribute("role", "option"); li.dataset.i = i;
      li.appendChild(make("span", nodes[i].l)); li.appendChild(make("span", typeInfo(nodes[i].t)[0], "kind"));
      if (k === 0) li.className = "active";
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
      results.appendChild(li);
    });
    if (!matches.length) results.appendChild(make("li", "Niets gevonden"));
    results.hidden = false;
  }
  function choose(i) { results.hidden = true; focusNode(i); }
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(runSearch, 120); });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { clearTimeout(timer); runSearch(); if (matches.length) choose(matches[0]); }
    if (ev.key === "Escape") { results.hidden = true; }
  });
  search.addEventListener("blur", function () { setTimeout(function () { results.hidden = true; }, 150); });

  updateStats();
  window.kgExplorer = { cy: cy, nodes: nodes, focus: focusNode };
  cy.ready(function () { document.body.setAttribute("data-ready", "1"); });
})();
