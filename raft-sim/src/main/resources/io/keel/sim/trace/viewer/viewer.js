// Keel trace viewer: the controls. Reads the embedded trace, builds the model, and wires zoom
// (wheel, buttons, + and -), pan (drag), selection (click on a lane or an arrow), stepping through
// events (buttons, arrow keys) and the message-type filters.
'use strict';

Keel.Viewer = function (trace) {
  this.model = Keel.buildModel(trace);
  this.timeline = new Keel.Timeline(document.getElementById('chart'), this.model);
  this.panel = new Keel.Panel(this.model);
  this.pending = false;
};

Keel.Viewer.prototype.start = function () {
  this.header();
  this.filters();
  this.wire();
  this.fit();
  var v = this.model.violation;
  if (v) this.select(v.event, false); else this.render();
  document.body.setAttribute('data-ready', 'true');
};

Keel.Viewer.prototype.header = function () {
  var trace = this.model.trace;
  document.getElementById('title').textContent = 'seed ' + trace.seed + ' \u00b7 ' + trace.nodes + ' nodes' +
    (trace.lanes > trace.nodes ? ' + ' + (trace.lanes - trace.nodes) + ' spares' : '') + ' \u00b7 ' + trace.options;
  var verdict = document.getElementById('verdict');
  var v = trace.verdict;
  verdict.textContent = v.ok ? 'every property held' : (v.livelock ? 'LIVELOCK: ' : 'VIOLATION: ') + v.violation;
  verdict.className = v.ok ? 'ok' : 'failed';
  document.getElementById('window').textContent = this.model.events.length + ' events, ' +
    Keel.formatTime(this.model.start) + ' to ' + Keel.formatTime(this.model.end) + (trace.truncated ? ' (cut at --max-events)' : '');
  document.getElementById('goto-violation').hidden = !this.model.violation;
};

Keel.Viewer.prototype.filters = function () {
  var box = document.getElementById('filters');
  var self = this;
  this.model.types.forEach(function (type) {
    var label = document.createElement('label');
    var checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    checkbox.checked = true;
    checkbox.setAttribute('data-type', type);
    checkbox.addEventListener('change', function () {
      self.timeline.hidden[type] = !checkbox.checked;
      self.render();
    });
    var swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = Keel.MESSAGE_COLOURS[type] || '#495057';
    label.appendChild(checkbox);
    label.appendChild(swatch);
    label.appendChild(document.createTextNode(type));
    box.appendChild(label);
  });
};

Keel.Viewer.prototype.wire = function () {
  var self = this;
  var svg = this.timeline.svg;
  document.getElementById('step-back').addEventListener('click', function () { self.step(-1); });
  document.getElementById('step-forward').addEventListener('click', function () { self.step(1); });
  document.getElementById('zoom-in').addEventListener('click', function () { self.zoom(0.5, null); });
  document.getElementById('zoom-out').addEventListener('click', function () { self.zoom(2, null); });
  document.getElementById('zoom-fit').addEventListener('click', function () { self.fit(); self.render(); });
  document.getElementById('goto-violation').addEventListener('click', function () {
    if (self.model.violation) self.select(self.model.violation.event, true);
  });
  svg.addEventListener('wheel', function (e) {
    e.preventDefault();
    self.zoom(e.deltaY > 0 ? 1.25 : 0.8, self.timeline.timeAt(e.offsetX));
  }, { passive: false });
  var drag = null;
  svg.addEventListener('pointerdown', function (e) { drag = { x: e.clientX, from: self.timeline.from, until: self.timeline.until, moved: false }; });
  window.addEventListener('pointermove', function (e) {
    if (!drag || Math.abs(e.clientX - drag.x) < 4 && !drag.moved) return;
    drag.moved = true;
    var perPixel = (drag.until - drag.from) / (self.timeline.width - Keel.LAYOUT.gutter - Keel.LAYOUT.right);
    var shift = (drag.x - e.clientX) * perPixel;
    self.setRange(drag.from + shift, drag.until + shift);
  });
  window.addEventListener('pointerup', function (e) {
    if (drag && !drag.moved) self.click(e);
    drag = null;
  });
  window.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowRight') self.step(1);
    else if (e.key === 'ArrowLeft') self.step(-1);
    else if (e.key === '+' || e.key === '=') self.zoom(0.5, null);
    else if (e.key === '-') self.zoom(2, null);
    else return;
    e.preventDefault();
  });
  window.addEventListener('resize', function () { self.render(); });
};

/** A click on the chart: an arrow or mark selects its event; elsewhere, the lane's last event at that moment. */
Keel.Viewer.prototype.click = function (e) {
  var svg = this.timeline.svg;
  if (!svg.contains(e.target)) return;
  var target = e.target.closest('[data-event]');
  if (target && target.id !== 'cursor') { this.select(+target.getAttribute('data-event'), false); return; }
  var box = svg.getBoundingClientRect();
  var lane = this.timeline.laneAt(e.clientY - box.top);
  if (!lane) return;
  var index = Keel.eventAt(this.model, lane, this.timeline.timeAt(e.clientX - box.left));
  if (index >= 0) this.select(index, false);
};

Keel.Viewer.prototype.select = function (index, reveal) {
  this.timeline.selected = index;
  this.panel.show(index);
  var t = this.model.events[index].t;
  var tl = this.timeline;
  if (reveal && (t < tl.from || t > tl.until)) {
    var half = (tl.until - tl.from) / 2;
    this.setRange(t - half, t + half);
  } else {
    this.render();
  }
};

/** The next (or previous) event, skipping messages of hidden types. */
Keel.Viewer.prototype.step = function (direction) {
  var events = this.model.events;
  var index = this.timeline.selected < 0 ? (direction > 0 ? -1 : events.length) : this.timeline.selected;
  for (index += direction; index >= 0 && index < events.length; index += direction) {
    if (!events[index].type || !this.timeline.hidden[events[index].type]) break;
  }
  if (index >= 0 && index < events.length) this.select(index, true);
};

Keel.Viewer.prototype.zoom = function (factor, around) {
  var tl = this.timeline;
  var centre = around === null ? (tl.selected >= 0 ? this.model.events[tl.selected].t : (tl.from + tl.until) / 2) : around;
  var from = centre - (centre - tl.from) * factor;
  var until = centre + (tl.until - centre) * factor;
  this.setRange(from, until);
};

Keel.Viewer.prototype.fit = function () {
  var pad = (this.model.end - this.model.start) * 0.01;
  this.timeline.from = this.model.start - pad;
  this.timeline.until = this.model.end + pad;
};

Keel.Viewer.prototype.setRange = function (from, until) {
  var span = Math.max(until - from, 1000);
  var whole = this.model.end - this.model.start;
  span = Math.min(span, whole * 1.5);
  var lo = this.model.start - whole * 0.25, hi = this.model.end + whole * 0.25;
  from = Math.max(lo, Math.min(from, hi - span));
  this.timeline.from = from;
  this.timeline.until = from + span;
  this.render();
};

/** Draws on the next frame, once however many changes came before it. */
Keel.Viewer.prototype.render = function () {
  if (this.pending) return;
  this.pending = true;
  var self = this;
  window.requestAnimationFrame(function () {
    self.pending = false;
    self.timeline.render();
    document.getElementById('notice').textContent = self.timeline.notice;
    document.getElementById('range').textContent = Keel.formatTime(self.timeline.from) + ' \u2013 ' + Keel.formatTime(self.timeline.until);
  });
};

document.addEventListener('DOMContentLoaded', function () {
  var source = document.getElementById('keel-trace');
  try {
    window.keelViewer = new Keel.Viewer(JSON.parse(source.textContent));
    window.keelViewer.start();
  } catch (e) {
    document.getElementById('notice').textContent = 'Cannot show this trace: ' + e.message;
    document.body.setAttribute('data-error', e.message);
    throw e;
  }
});
