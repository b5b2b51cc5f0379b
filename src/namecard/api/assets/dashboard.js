// namecard dashboard: draws the report embedded in the page (#data) as tiles, SVG charts and
// tables. Served inline by api/dashboard.py; it loads nothing and calls nothing.
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const data = JSON.parse(document.getElementById("data").textContent);
  const report = data.report;
  const stats = data.stats;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, String(v)));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function seconds(v) { return (Number(v) || 0).toFixed(2) + " s"; }
  function share(v) { return ((Number(v) || 0) * 100).toFixed(1) + " %"; }
  const FORMAT = {
    avg_response_time: seconds, p95_response_time: seconds,
    cache_hit_rate: share, success_rate: share, concurrent_users: (v) => String(v),
  };
  const LABEL = {
    avg_response_time: "Average photo-to-reply", p95_response_time: "P95 photo-to-reply",
    concurrent_users: "Concurrent users (capacity)", cache_hit_rate: "Cache hit rate",
    success_rate: "Success rate",
  };

  function tile(parent, name, measured, target, verdict, key) {
    const cls = verdict === true ? "tile pass" : verdict === false ? "tile fail" : "tile";
    const node = el("div", { class: cls, "data-kpi": key || name });
    node.appendChild(el("div", { class: "name" }, name));
    node.appendChild(el("div", { class: "measured" }, measured));
    if (target) node.appendChild(el("div", { class: "target" }, target));
    parent.appendChild(node);
  }

  function drawTiles() {
    const kpis = document.getElementById("kpis");
    report.kpis.forEach((k) => {
      const verdict = k.pass === null ? "no data" : k.pass ? "pass" : "fail";
      tile(kpis, LABEL[k.name] || k.name, (FORMAT[k.name] || String)(k.measured),
        "target " + k.target + " · " + verdict, k.pass, k.name);
    });
    const figures = document.getElementById("figures");
    tile(figures, "Photos", report.total_requests, "", null, "total_requests");
    tile(figures, "P50", seconds(report.p50_response_time), "", null, "p50_response_time");
    tile(figures, "P99", seconds(report.p99_response_time), "", null, "p99_response_time");
    tile(figures, "Per hour", report.throughput_per_hour, "", null, "throughput_per_hour");
    tile(figures, "Notion saves", report.notion_saves + " ok · " + report.notion_failures +
      " failed", "", null, "notion");
    tile(figures, "Peak at once", report.concurrent_peak, "", null, "concurrent_peak");
    document.getElementById("period").textContent = "last " + report.report_period_hours +
      " h · generated " + report.generated_at;
  }

  const W = 560, H = 220, LEFT = 44, RIGHT = 12, TOP = 12, BOTTOM = 34;

  function frame(container, maxY, hours) {
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img" });
    const plotH = H - TOP - BOTTOM;
    for (let i = 0; i <= 4; i++) {
      const y = TOP + plotH - (plotH * i) / 4;
      root.appendChild(svg("line", { x1: LEFT, x2: W - RIGHT, y1: y, y2: y, class: "axis" }));
      root.appendChild(svg("text", { x: LEFT - 6, y: y + 4, "text-anchor": "end" },
        ((maxY * i) / 4).toFixed(maxY < 4 ? 1 : 0)));
    }
    const step = hours.length > 1 ? (W - LEFT - RIGHT) / (hours.length - 1) : 0;
    const every = Math.max(1, Math.ceil(hours.length / 8));
    hours.forEach((h, i) => {
      if (i % every) return;
      const x = hours.length > 1 ? LEFT + step * i : (LEFT + W - RIGHT) / 2;
      root.appendChild(svg("text", { x: x, y: H - BOTTOM + 16, "text-anchor": "middle" },
        h.hour.slice(5, 13).replace("T", " ") + "h"));
    });
    container.appendChild(root);
    return root;
  }

  function empty(container) {
    container.appendChild(el("p", { class: "empty" }, "no photos in this period"));
  }

  function drawLatency() {
    const box = document.getElementById("latency-chart");
    const hours = report.hourly;
    if (!hours.length) return empty(box);
    const maxY = Math.max(1, ...hours.map((h) => h.p95)) * 1.15;
    const root = frame(box, maxY, hours);
    const plotH = H - TOP - BOTTOM;
    const x = (i) => hours.length > 1 ? LEFT + ((W - LEFT - RIGHT) * i) / (hours.length - 1)
      : (LEFT + W - RIGHT) / 2;
    const y = (v) => TOP + plotH - (plotH * v) / maxY;
    [["p50", "var(--p50)"], ["p95", "var(--p95)"]].forEach(([key, colour]) => {
      const points = hours.map((h, i) => x(i).toFixed(1) + "," + y(h[key]).toFixed(1));
      root.appendChild(svg("polyline", { points: points.join(" "), fill: "none",
        stroke: colour, "stroke-width": 2, "data-series": key }));
      hours.forEach((h, i) => root.appendChild(svg("circle", { cx: x(i), cy: y(h[key]), r: 3,
        fill: colour, "data-series": key })));
    });
    legend(box, [["p50", "var(--p50)"], ["p95", "var(--p95)"]]);
  }

  function drawThroughput() {
    const box = document.getElementById("throughput-chart");
    const hours = report.hourly;
    if (!hours.length) return empty(box);
    const maxY = Math.max(1, ...hours.map((h) => h.requests)) * 1.15;
    const root = frame(box, maxY, hours);
    const plotH = H - TOP - BOTTOM;
    const slot = (W - LEFT - RIGHT) / hours.length;
    hours.forEach((h, i) => {
      const cx = hours.length > 1 ? LEFT + ((W - LEFT - RIGHT) * i) / (hours.length - 1)
        : (LEFT + W - RIGHT) / 2;
      const width = Math.max(4, Math.min(40, slot * 0.6));
      const ok = h.requests - h.errors;
      const okH = (plotH * ok) / maxY, errH = (plotH * h.errors) / maxY;
      root.appendChild(svg("rect", { x: cx - width / 2, y: TOP + plotH - okH, width: width,
        height: okH, fill: "var(--bar)", class: "bar" }));
      root.appendChild(svg("rect", { x: cx - width / 2, y: TOP + plotH - okH - errH,
        width: width, height: errH, fill: "var(--bad)", class: "bar" }));
    });
  }

  function drawSteps() {
    const box = document.getElementById("steps-chart");
    const order = ["queue_wait", "download", "reading", "saving", "reply"];
    const steps = order.filter((s) => report.steps[s]);
    if (!steps.length) return empty(box);
    const maxX = Math.max(0.1, ...steps.map((s) => report.steps[s].p95)) * 1.1;
    const rowH = 34, height = rowH * steps.length + 10, labelW = 90;
    const root = svg("svg", { viewBox: "0 0 " + W + " " + height, role: "img" });
    const scale = (v) => ((W - labelW - 70) * v) / maxX;
    steps.forEach((s, i) => {
      const y = 6 + i * rowH, figures = report.steps[s];
      root.appendChild(svg("text", { x: 0, y: y + 16 }, s.replace("_", " ")));
      root.appendChild(svg("rect", { x: labelW, y: y + 2, width: scale(figures.p95), height: 10,
        fill: "var(--p95)", class: "bar" }));
      root.appendChild(svg("rect", { x: labelW, y: y + 14, width: scale(figures.p50), height: 10,
        fill: "var(--p50)", class: "bar" }));
      root.appendChild(svg("text", { x: labelW + scale(figures.p95) + 6, y: y + 16 },
        figures.p50.toFixed(2) + " / " + figures.p95.toFixed(2)));
    });
    box.appendChild(root);
    legend(box, [["p50", "var(--p50)"], ["p95", "var(--p95)"]]);
  }

  function legend(box, entries) {
    const node = el("div", { class: "legend" });
    entries.forEach(([name, colour]) => {
      node.appendChild(el("span", { style: "background:" + colour }));
      node.appendChild(document.createTextNode(name));
    });
    box.appendChild(node);
  }

  function drawReaders() {
    const box = document.getElementById("readers");
    const readers = Object.entries(report.readers);
    if (!readers.length) return empty(box);
    const table = el("table");
    table.appendChild(row(["reader", "photos", "share"], "th"));
    readers.forEach(([name, r]) => table.appendChild(row([name, r.jobs, share(r.share)])));
    box.appendChild(table);
  }

  function row(cells, tag, cls) {
    const tr = el("tr", cls ? { class: cls } : {});
    cells.forEach((c) => tr.appendChild(el(tag || "td", {}, c === null ? "–" : c)));
    return tr;
  }

  function drawLists() {
    const list = document.getElementById("recommendations");
    report.recommendations.forEach((r) => list.appendChild(el("li", {}, r)));
    const quota = document.getElementById("quota");
    const keys = (stats.quota && stats.quota.keys) || [];
    quota.appendChild(row(["key", "state", "today", "this minute", "429s", "runs out"], "th"));
    keys.forEach((k) => quota.appendChild(row([k.key, k.state, k.requests_today,
      k.requests_this_minute, k.rate_limited, k.predicted_exhaustion])));
    if (!keys.length) quota.appendChild(row(["no Gemini keys configured", "", "", "", "", ""]));
    const instances = document.getElementById("instances");
    instances.appendChild(row(["instance", "status", "workers", "uptime", "active", "queued",
      "RSS MB", "processed", "last seen"], "th"));
    Object.entries(stats.instances).forEach(([id, r]) => {
      const done = (stats.processed[id] || {}).total_processed || 0;
      const uptime = r.uptime_seconds === null ? null : Math.round(r.uptime_seconds) + " s";
      instances.appendChild(row([id, r.status, r.workers, uptime, r.active_tasks, r.queue_depth,
        r.rss_mb, done, r.last_seen], "td", r.status === "gone" ? "gone" : ""));
    });
  }

  drawTiles();
  drawLatency();
  drawThroughput();
  drawSteps();
  drawReaders();
  drawLists();
  document.body.setAttribute("data-drawn", "true");
})();
