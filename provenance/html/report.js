"use strict";
// Builds the timeline and the file table from the JSON data block. Every value from the
// pages is untrusted: it goes into the DOM through textContent and setAttribute only.
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var files = data.files;
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function webUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null; }
  // An ISO date of any precision ("2020", "2020-05", "2020-05-01T…") → milliseconds.
  function when(value) {
    if (!value) return null;
    var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
    if (!m) return null;
    var t = Date.parse(value.length > 10 ? value : m[1] + "-" + (m[2] || "01") + "-" + (m[3] || "01"));
    return isNaN(t) ? null : t;
  }

  // Axis ticks: years over a long span; quarters (or months) over three years or less,
  // so that a collection from one or two years still has a readable axis.
  function ticks(lo, hi) {
    var out = [], a = new Date(lo), b = new Date(hi);
    var months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
    if (months > 36) {
      var y0 = a.getUTCFullYear(), y1 = b.getUTCFullYear();
      var step = Math.max(1, Math.ceil((y1 - y0 + 1) / 10));
      for (var y = y0; y <= y1 + 1; y += step) out.push({ t: Date.UTC(y, 0, 1), label: String(y) });
      return out;
    }
    var mstep = months > 12 ? 3 : 1;
    var m = Math.floor(a.getUTCMonth() / mstep) * mstep, yy = a.getUTCFullYear();
    for (var t = Date.UTC(yy, m, 1); t <= hi + 31 * 864e5; t = Date.UTC(yy, m, 1)) {
      var label = m === 0 ? String(yy) : yy + "-" + (m < 9 ? "0" : "") + (m + 1);
      out.push({ t: t, label: label });
      m += mstep;
      if (m >= 12) { m -= 12; yy += 1; }
    }
    return out;
  }

  function timeline() {
    var box = document.getElementById("timeline-chart");
    var points = [];
    files.forEach(function (f, i) {
      var p = when(f.published), c = when(f.captured);
      if (p !== null) points.push({ t: p, kind: "published", f: f, i: i, label: f.published });
      if (c !== null) points.push({ t: c, kind: "captured", f: f, i: i, label: f.captured });
    });
    if (!points.length) {
      box.appendChild(el("p", { "class": "none" }, "No publication or capture dates were found."));
      return;
    }
    var lo = Math.min.apply(null, points.map(function (p) { return p.t; }));
    var hi = Math.max.apply(null, points.map(function (p) { return p.t; }));
    if (hi - lo < 864e5) { lo -= 432e5 * 30; hi += 432e5 * 30; }
    var W = 1000, L = 90, R = 20, lanes = { published: 40, captured: 110 }, H = 160;
    var x = function (t) { return L + (W - L - R) * (t - lo) / (hi - lo); };
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-label": "Timeline of publication and capture dates" });
    Object.keys(lanes).forEach(function (k) {
      root.appendChild(svg("line", { x1: L, x2: W - R, y1: lanes[k], y2: lanes[k], "class": "axis" }));
      var t = svg("text", { x: 4, y: lanes[k] + 4, "class": "lane" });
      t.textContent = k;
      root.appendChild(t);
    });
    ticks(lo, hi).forEach(function (tick) {
      var tx = x(tick.t);
      if (tx < L || tx > W - R) return;
      root.appendChild(svg("line", { x1: tx, x2: tx, y1: 20, y2: 130, "class": "axis" }));
      var label = svg("text", { x: tx, y: 150, "class": "tick", "text-anchor": "middle" });
      label.textContent = tick.label;
      root.appendChild(label);
    });
    files.forEach(function (f) {
      var p = when(f.published), c = when(f.captured);
      if (p !== null && c !== null) {
        root.appendChild(svg("line", { x1: x(p), x2: x(c), y1: lanes.published, y2: lanes.captured, "class": "link" }));
      }
    });
    points.forEach(function (p) {
      var jitter = ((p.i * 7) % 11 - 5) * 2;
      var dot = svg("circle", { cx: x(p.t), cy: lanes[p.kind] + jitter, r: 5,
        "class": "tl-point " + p.kind, "data-path": p.f.path });
      var tip = svg("title", {});
      tip.textContent = p.f.path + " — " + p.kind + " " + p.label;
      dot.appendChild(tip);
      root.appendChild(dot);
    });
    box.appendChild(root);
  }

  var COLUMNS = [
    { key: "path", label: "File", cls: "path" },
    { key: "published", label: "Published", time: true, cls: "date" },
    { key: "captured", label: "Captured", time: true },
    { key: "title", label: "Title", cls: "title" },
    { key: "url", label: "Original URL", cls: "url" },
    { key: "live", label: "Live" },
    { key: "memento_datetime", label: "Memento", time: true },
    { key: "drift", label: "Drift" },
    { key: "problems", label: "Problems" }
  ];
  var state = { key: "path", dir: 1, query: "", onlyProblems: false };

  function sortValue(f, col) {
    if (col.key === "problems") return f.problems.length;
    if (col.time) { var t = when(f[col.key]); return t === null ? -Infinity : t; }
    return (f[col.key] || "").toString().toLowerCase();
  }
  function cell(f, col) {
    var td = el("td", col.cls ? { "class": col.cls } : {});
    if (col.key === "url" || col.key === "memento_datetime") {
      var href = webUrl(col.key === "url" ? f.url : f.memento_url);
      var text = (f[col.key] || "").replace("T", " ");
      if (href && text) {
        td.appendChild(el("a", { href: href, rel: "noopener noreferrer nofollow" }, text));
      } else td.textContent = text;
    } else if (col.key === "live" || col.key === "drift") {
      if (f[col.key]) td.appendChild(el("span", { "class": "pill c-" + f[col.key] }, f[col.key]));
    } else if (col.key === "problems") {
      f.problems.forEach(function (p) {
        td.appendChild(el("span", { "class": "badge sev-" + p.severity, title: p.message }, p.code));
      });
    } else {
      // "2015-03-01T12:00:00Z" reads better, and wraps, as "2015-03-01 12:00:00Z".
      td.textContent = col.time ? (f[col.key] || "").replace("T", " ") : f[col.key] || "";
      if (f[col.key + "_evidence"]) td.setAttribute("title", f[col.key + "_evidence"]);
    }
    return td;
  }
  function matches(f) {
    if (state.onlyProblems && !f.problems.length) return false;
    if (!state.query) return true;
    var hay = [f.path, f.title, f.url, f.published, f.captured, f.live, f.drift]
      .concat(f.problems.map(function (p) { return p.code; })).join(" ").toLowerCase();
    return hay.indexOf(state.query) >= 0;
  }
  function render() {
    var col = COLUMNS.filter(function (c) { return c.key === state.key; })[0] || COLUMNS[0];
    var rows = files.filter(matches).sort(function (a, b) {
      var va = sortValue(a, col), vb = sortValue(b, col);
      if (va < vb) return -state.dir;
      if (va > vb) return state.dir;
      return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
    });
    var body = document.getElementById("files-body");
    body.textContent = "";
    rows.forEach(function (f) {
      var tr = el("tr", { "data-path": f.path });
      if (f.problems.some(function (p) { return p.severity === "error"; })) tr.className = "has-error";
      COLUMNS.forEach(function (c) { tr.appendChild(cell(f, c)); });
      body.appendChild(tr);
    });
    document.querySelectorAll("#files th").forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.key === state.key ? (state.dir > 0 ? "ascending" : "descending") : "none");
    });
    document.getElementById("count").textContent = rows.length + " of " + files.length + " files";
  }
  function table() {
    var head = document.getElementById("files-head");
    COLUMNS.forEach(function (c) {
      var th = el("th", { "data-key": c.key, scope: "col" });
      var button = el("button", { type: "button" }, c.label);
      button.addEventListener("click", function () {
        state.dir = state.key === c.key ? -state.dir : 1;
        state.key = c.key;
        render();
      });
      th.appendChild(button);
      head.appendChild(th);
    });
    document.getElementById("filter").addEventListener("input", function (e) {
      state.query = e.target.value.trim().toLowerCase();
      render();
    });
    document.getElementById("only-problems").addEventListener("change", function (e) {
      state.onlyProblems = e.target.checked;
      render();
    });
    // "#sort=published:desc" opens the page sorted, so a link can point at a view.
    var m = /sort=([a-z_]+)(?::(asc|desc))?/.exec(location.hash);
    if (m) { state.key = m[1]; state.dir = m[2] === "desc" ? -1 : 1; }
    render();
  }
  timeline();
  table();
  document.body.setAttribute("data-rendered", "true");
})();
