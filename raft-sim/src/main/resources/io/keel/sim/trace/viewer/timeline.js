// Keel trace viewer: the drawing. One SVG: a time axis, a row of cluster-wide faults, then one lane
// per node with its role bands (coloured by role, labelled with the term), down, paused and
// slow-disk regions, partition shading, commit and apply marks, message arrows, the violation and
// the selected event. Only what lies in the visible time range is drawn, so zooming in on a long
// trace stays quick; past MAX_ARROWS arrows in view, they are left out until one zooms in.
'use strict';

Keel.SVG_NS = 'http://www.w3.org/2000/svg';
Keel.MAX_ARROWS = 1500;
Keel.MAX_MARKS = 4000;
Keel.LAYOUT = { gutter: 52, axis: 26, faultRow: 22, lane: 54, band: 16, right: 12 };
Keel.MESSAGE_COLOURS = {
  AppendEntries: '#2b6cb0', AppendEntriesResponse: '#63a4e8', RequestVote: '#d9480f', RequestVoteResponse: '#f08c00',
  PreVote: '#9c36b5', PreVoteResponse: '#cc5de8', InstallSnapshot: '#8d5524', InstallSnapshotResponse: '#c08552',
  TimeoutNow: '#e64980', LeadershipCheck: '#868e96', LeadershipCheckResponse: '#adb5bd',
  ReadIndexRequest: '#0b7285', ReadIndexResponse: '#3bc9db'
};

Keel.el = function (tag, attrs, parent, text) {
  var node = document.createElementNS(Keel.SVG_NS, tag);
  for (var name in attrs) node.setAttribute(name, attrs[name]);
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
};

/** `text` cut to fit `pixels` of 10px type (about 5.6px a character), or '' if not even a few letters fit. */
Keel.fit = function (text, pixels) {
  var chars = Math.floor((pixels - 6) / 5.6);
  if (chars >= text.length) return text;
  return chars >= 6 ? text.slice(0, chars - 1) + '\u2026' : '';
};

Keel.formatTime = function (ns) {
  if (Math.abs(ns) >= 1e9) return (ns / 1e9).toFixed(6).replace(/\.?0+$/, '') + 's';
  return (ns / 1e6).toFixed(3).replace(/\.?0+$/, '') + 'ms';
};

Keel.Timeline = function (svg, model) {
  this.svg = svg;
  this.model = model;
  this.width = 800;
  this.from = model.start;
  this.until = model.end;
  this.hidden = {};      // message type -> true when filtered out
  this.selected = -1;
  this.notice = '';
};

Keel.Timeline.prototype.x = function (t) {
  var L = Keel.LAYOUT;
  return L.gutter + (t - this.from) / (this.until - this.from) * (this.width - L.gutter - L.right);
};

Keel.Timeline.prototype.timeAt = function (x) {
  var L = Keel.LAYOUT;
  return this.from + (x - L.gutter) / (this.width - L.gutter - L.right) * (this.until - this.from);
};

Keel.Timeline.prototype.laneTop = function (node) {
  var L = Keel.LAYOUT;
  return L.axis + L.faultRow + (node - 1) * L.lane;
};

Keel.Timeline.prototype.laneY = function (node) {
  return this.laneTop(node) + Keel.LAYOUT.lane / 2;
};

Keel.Timeline.prototype.laneAt = function (y) {
  var L = Keel.LAYOUT;
  var lane = Math.floor((y - L.axis - L.faultRow) / L.lane) + 1;
  return lane >= 1 && lane <= this.model.lanes ? lane : 0;
};

Keel.Timeline.prototype.height = function () {
  var L = Keel.LAYOUT;
  return L.axis + L.faultRow + this.model.lanes * L.lane + 8;
};

/** Whether [a, b] overlaps the visible range. */
Keel.Timeline.prototype.visible = function (a, b) {
  return b >= this.from && a <= this.until;
};

Keel.Timeline.prototype.render = function () {
  var svg = this.svg;
  this.width = Math.max(400, svg.parentNode.clientWidth);
  svg.setAttribute('width', this.width);
  svg.setAttribute('height', this.height());
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  this.notice = '';
  this.defs();
  this.drawAxis();
  this.drawLanes();
  this.drawRegions();
  this.drawBands();
  this.drawPartitions();
  this.drawMarks();
  this.drawClusterMarks();
  this.drawMessages();
  this.drawViolation();
  this.drawSelection();
};

Keel.Timeline.prototype.defs = function () {
  var defs = Keel.el('defs', {}, this.svg);
  var hatch = Keel.el('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse',
    patternTransform: 'rotate(45)' }, defs);
  Keel.el('rect', { width: 6, height: 6, fill: 'rgba(224, 49, 49, 0.10)' }, hatch);
  Keel.el('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: 'rgba(224, 49, 49, 0.45)', 'stroke-width': 2 }, hatch);
  var colours = Object.assign({ other: '#495057' }, Keel.MESSAGE_COLOURS);
  Object.keys(colours).forEach(function (type) {
    var marker = Keel.el('marker', { id: 'arrow-' + type, viewBox: '0 0 10 10', refX: 9, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    Keel.el('path', { d: 'M0,0 L10,5 L0,10 z', fill: colours[type] }, marker);
  });
  var clip = Keel.el('clipPath', { id: 'plot-clip' }, defs);
  Keel.el('rect', { x: Keel.LAYOUT.gutter, y: 0, width: this.width - Keel.LAYOUT.gutter - Keel.LAYOUT.right,
    height: this.height() }, clip);
  this.plot = Keel.el('g', { 'clip-path': 'url(#plot-clip)' }, null);
};

Keel.Timeline.prototype.drawAxis = function () {
  var g = Keel.el('g', { id: 'axis', 'class': 'axis' }, this.svg);
  var span = this.until - this.from;
  var raw = span / Math.max(2, Math.floor(this.width / 110));
  var power = Math.pow(10, Math.floor(Math.log10(raw)));
  var step = [1, 2, 5, 10].map(function (k) { return k * power; }).find(function (s) { return s >= raw; });
  for (var t = Math.ceil(this.from / step) * step; t <= this.until; t += step) {
    var x = this.x(t);
    Keel.el('line', { x1: x, y1: Keel.LAYOUT.axis - 6, x2: x, y2: this.height(), 'class': 'grid' }, g);
    Keel.el('text', { x: x + 3, y: Keel.LAYOUT.axis - 9, 'class': 'tick' }, g, Keel.formatTime(t));
  }
  this.svg.appendChild(this.plot);
};

Keel.Timeline.prototype.drawLanes = function () {
  var g = Keel.el('g', { id: 'lanes' }, this.svg);
  var L = Keel.LAYOUT;
  Keel.el('text', { x: 6, y: L.axis + 15, 'class': 'lane-label faults-label' }, g, 'faults');
  for (var n = 1; n <= this.model.lanes; n++) {
    var top = this.laneTop(n);
    Keel.el('rect', { x: 0, y: top, width: this.width, height: L.lane, 'class': 'lane lane-' + (n % 2 ? 'odd' : 'even'),
      'data-node': n }, g);
    Keel.el('text', { x: 8, y: top + L.lane / 2 + 5, 'class': 'lane-label' }, g, 'n' + n);
  }
  this.svg.insertBefore(g, this.plot);
};

Keel.Timeline.prototype.drawRegions = function () {
  var L = Keel.LAYOUT;
  var self = this;
  this.model.regions.forEach(function (r) {
    if (!self.visible(r.from, r.to)) return;
    var top = self.laneTop(r.node);
    var slow = r.kind === 'slow';
    var x1 = self.x(r.from), x2 = Math.max(self.x(r.to), x1 + 2);
    var rect = Keel.el('rect', { x: x1, y: slow ? top + L.lane - 9 : top + 3, width: x2 - x1, height: slow ? 6 : L.lane - 6,
      'class': 'region region-' + r.kind, 'data-node': r.node }, self.plot);
    Keel.el('title', {}, rect, r.text + ' (' + Keel.formatTime(r.from) + ' to ' + Keel.formatTime(r.to) + ')');
  });
};

Keel.Timeline.prototype.drawBands = function () {
  var L = Keel.LAYOUT;
  for (var n = 1; n <= this.model.lanes; n++) {
    var y = this.laneY(n) - L.band / 2;
    var self = this;
    this.model.bands[n].forEach(function (b) {
      if (!self.visible(b.from, b.to) || !b.role) return;
      var x1 = self.x(b.from), x2 = Math.max(self.x(b.to), x1 + 1);
      var rect = Keel.el('rect', { x: x1, y: y, width: x2 - x1, height: L.band, 'class': 'band role-' + b.role,
        'data-node': n, 'data-role': b.role, 'data-term': b.term }, self.plot);
      Keel.el('title', {}, rect, 'n' + n + ' ' + b.role + ' term ' + b.term);
      var left = Math.max(x1, L.gutter), right = Math.min(x2, self.width - L.right);
      if (right - left > 26) {
        Keel.el('text', { x: left + 3, y: y + L.band - 4, 'class': 'band-term' }, self.plot,
          (b.role === 'LEADER' ? 'leader ' : '') + 't' + b.term);
      }
    });
  }
};

Keel.Timeline.prototype.drawPartitions = function () {
  var L = Keel.LAYOUT;
  var self = this;
  var peers = Math.max(1, this.model.lanes - 1);
  this.model.partitions.forEach(function (p) {
    if (!self.visible(p.from, p.to)) return;
    var x1 = self.x(p.from), x2 = Math.max(self.x(p.to), x1 + 2);
    Object.keys(p.deaf).forEach(function (node) {
      var rect = Keel.el('rect', { x: x1, y: self.laneTop(+node) + 1, width: x2 - x1, height: L.lane - 2,
        'class': 'partition-region', fill: 'url(#hatch)', 'fill-opacity': Math.min(1, 0.35 + p.deaf[node] / peers),
        'data-node': node }, self.plot);
      Keel.el('title', {}, rect, 'partition ' + p.text + ': n' + node + ' hears ' + (peers - p.deaf[node]) + ' of ' + peers + ' peers');
    });
    var label = Keel.el('rect', { x: x1, y: L.axis + 2, width: x2 - x1, height: L.faultRow - 4, 'class': 'partition-label',
      'data-event': p.event }, self.plot);
    Keel.el('title', {}, label, 'partition ' + p.text);
    var left = Math.max(x1, L.gutter), room = Math.min(x2, self.width - L.right) - left;
    var text = Keel.fit('partition ' + p.text, room);
    if (text) Keel.el('text', { x: left + 3, y: L.axis + L.faultRow - 7, 'class': 'fault-text' }, self.plot, text);
  });
};

/** Commits (triangles under the band), applies and snapshots (dots and squares above it), and rarer marks on it. */
Keel.Timeline.prototype.drawMarks = function () {
  var L = Keel.LAYOUT;
  var self = this;
  var dense = { commit: true, apply: true, snapshot: true };
  var inView = this.model.marks.filter(function (m) { return self.visible(m.t, m.t); });
  if (inView.length > Keel.MAX_MARKS) {
    this.notice += inView.length + ' commit, apply and snapshot marks in view: zoom in to draw them. ';
    inView = inView.filter(function (m) { return !dense[m.kind]; });
  }
  inView.forEach(function (m) {
    var x = self.x(m.t), mid = self.laneY(m.node), below = mid + L.band / 2, above = mid - L.band / 2;
    var shape;
    if (m.kind === 'commit') {
      shape = Keel.el('path', { d: 'M' + x + ',' + (below + 1) + ' l-3.5,7 h7 z', 'class': 'mark mark-commit' }, self.plot);
    } else if (m.kind === 'apply') {
      shape = Keel.el('circle', { cx: x, cy: above - 4, r: 2.5, 'class': 'mark mark-apply' }, self.plot);
    } else if (m.kind === 'snapshot') {
      shape = Keel.el('rect', { x: x - 2.5, y: above - 12, width: 5, height: 5, 'class': 'mark mark-snapshot' }, self.plot);
    } else {
      shape = Keel.el('rect', { x: x - 4.5, y: mid - 4.5, width: 9, height: 9, 'class': 'mark mark-' + m.kind }, self.plot);
    }
    shape.setAttribute('data-event', m.event);
    shape.setAttribute('data-node', m.node);
    Keel.el('title', {}, shape, m.kind + ' ' + m.value + ' at ' + Keel.formatTime(m.t));
  });
};

Keel.Timeline.prototype.drawClusterMarks = function () {
  var L = Keel.LAYOUT;
  var self = this;
  this.model.clusterMarks.forEach(function (m) {
    if (!self.visible(m.t, m.t)) return;
    var x = self.x(m.t);
    var g = Keel.el('g', { 'class': 'cluster-mark cluster-' + m.kind, 'data-event': m.event }, self.plot);
    if (m.kind === 'heal') {
      Keel.el('line', { x1: x, y1: L.axis, x2: x, y2: self.height(), 'class': 'heal-line' }, g);
      Keel.el('text', { x: x + 7, y: L.axis + L.faultRow - 7, 'class': 'heal-text' }, g, 'heal');
    }
    Keel.el('path', { d: 'M' + x + ',' + (L.axis + 4) + ' l5,7 l-5,7 l-5,-7 z' }, g);
    Keel.el('title', {}, g, m.kind + ': ' + m.text + ' at ' + Keel.formatTime(m.t));
  });
};

Keel.Timeline.prototype.drawMessages = function () {
  var self = this;
  var inView = this.model.messages.filter(function (m) {
    return !self.hidden[m.type] && self.visible(m.sendT, m.endT);
  });
  if (inView.length > Keel.MAX_ARROWS) {
    this.notice += inView.length + ' messages in view: zoom in to draw them. ';
    return;
  }
  var g = Keel.el('g', { id: 'messages' }, this.plot);
  inView.forEach(function (m) {
    var x1 = self.x(m.sendT), y1 = self.laneY(m.from), x2 = self.x(m.endT), y2 = self.laneY(m.to);
    var colour = Keel.MESSAGE_COLOURS[m.type] || '#495057';
    var dropped = m.outcome === 'drop';
    if (dropped && m.reason === 'loss') { x2 = x1 + 14; y2 = y1 + (y2 > y1 ? 10 : -10); }
    var line = Keel.el('line', { x1: x1, y1: y1, x2: x2, y2: y2, stroke: colour,
      'class': 'arrow msg-' + m.type + (dropped ? ' dropped' : ''), 'data-type': m.type,
      'data-event': m.endEvent, 'marker-end': dropped ? '' : 'url(#arrow-' + (Keel.MESSAGE_COLOURS[m.type] ? m.type : 'other') + ')' }, g);
    Keel.el('title', {}, line, m.type + ' n' + m.from + ' \u2192 n' + m.to + ' (term ' + m.term + ')' +
      (dropped ? ', lost (' + m.reason + ')' : ''));
    if (dropped) {
      Keel.el('path', { d: 'M' + (x2 - 4) + ',' + (y2 - 4) + ' l8,8 m0,-8 l-8,8', stroke: colour, 'class': 'drop-cross' }, g);
    }
  });
};

Keel.Timeline.prototype.drawViolation = function () {
  var v = this.model.violation;
  if (!v) return;
  var x = this.x(v.t);
  var g = Keel.el('g', { id: 'violation-marker', 'class': v.livelock ? 'livelock' : 'safety', 'data-event': v.event }, this.plot);
  Keel.el('line', { x1: x, y1: Keel.LAYOUT.axis, x2: x, y2: this.height(), 'class': 'violation-line' }, g);
  if (v.node) Keel.el('circle', { cx: x, cy: this.laneY(v.node), r: 7, 'class': 'violation-dot' }, g);
  Keel.el('text', { x: x - 4, y: Keel.LAYOUT.axis + 15, 'text-anchor': 'end', 'class': 'violation-text' }, g,
    (v.livelock ? 'LIVELOCK: ' : 'VIOLATION: ') + v.property);
  Keel.el('title', {}, g, v.message);
};

Keel.Timeline.prototype.drawSelection = function () {
  if (this.selected < 0) return;
  var ev = this.model.events[this.selected];
  var x = this.x(ev.t);
  var g = Keel.el('g', { id: 'cursor', 'data-event': this.selected }, this.svg);
  Keel.el('line', { x1: x, y1: Keel.LAYOUT.axis, x2: x, y2: this.height(), 'class': 'cursor-line' }, g);
  var lane = Keel.laneOf(ev);
  if (lane) Keel.el('circle', { cx: x, cy: this.laneY(lane), r: 6, 'class': 'cursor-dot' }, g);
};
