// Keel trace viewer: the model. Turns the JSON trace (format keel-sim-trace, version 1) into what
// the page draws: per-node role bands and down, paused and slow-disk regions; partitions; message
// arrows; commit, apply and snapshot marks; and each node's state after any event.
'use strict';
var Keel = window.Keel || {};
window.Keel = Keel;

Keel.TRACE_FORMAT = 'keel-sim-trace';
Keel.TRACE_VERSION = 1;

/** The lane an event belongs to (a node number), or 0 for events of the whole cluster. */
Keel.laneOf = function (ev) {
  if (ev.node) return ev.node;
  if (ev.kind === 'send' || ev.kind === 'duplicate') return ev.from;
  if (ev.kind === 'deliver' || ev.kind === 'drop') return ev.kind === 'drop' && ev.reason === 'loss' ? ev.from : ev.to;
  return 0;
};

Keel.buildModel = function (trace) {
  if (trace.format !== Keel.TRACE_FORMAT || trace.version !== Keel.TRACE_VERSION) {
    throw new Error('not a ' + Keel.TRACE_FORMAT + ' trace of version ' + Keel.TRACE_VERSION);
  }
  var events = trace.events;
  var lanes = trace.lanes;
  var start = events.length ? events[0].t : 0;
  var end = events.length ? events[events.length - 1].t : start;
  if (end === start) end = start + 1e6;
  var model = {
    trace: trace, events: events, lanes: lanes, start: start, end: end,
    bands: [], regions: [], partitions: [], messages: [], marks: [], clusterMarks: [],
    laneEvents: [], states: [], types: [], violation: null
  };
  for (var n = 0; n <= lanes; n++) {
    model.bands.push([]);
    model.laneEvents.push([]);
    model.states.push({ at: [], values: [] });
  }
  var builder = new Keel.ModelBuilder(model);
  events.forEach(function (ev, index) { builder.add(ev, index); });
  builder.finish();
  return model;
};

/** Folds the events, in order, into the model. */
Keel.ModelBuilder = function (model) {
  this.model = model;
  this.current = [];      // per node: its state now
  this.bandOpen = [];     // per node: the band being drawn, or null
  this.open = {};         // 'down:3', 'pause:3', 'slow:3' -> region being drawn
  this.partition = null;  // the partition in force
  this.sends = {};        // message id -> its send event's message record
  this.typeSet = {};
};

Keel.ModelBuilder.prototype.add = function (ev, index) {
  var m = this.model;
  var lane = Keel.laneOf(ev);
  if (lane) m.laneEvents[lane].push(index);
  switch (ev.kind) {
    case 'init': this.init(ev, index); break;
    case 'role': this.change(ev, index, { role: ev.role, term: ev.term, leader: ev.leader });
      this.band(ev.node, ev.t); break;
    case 'vote': this.change(ev, index, { vote: ev['for'] }); break;
    case 'append': this.change(ev, index, { last: ev.last, tailFrom: ev.tailFrom, tail: ev.tail }); break;
    case 'commit': this.change(ev, index, { commit: ev.commit }); this.mark(ev, index, 'commit', ev.commit); break;
    case 'apply': this.change(ev, index, { applied: ev.applied }); this.mark(ev, index, 'apply', ev.applied); break;
    case 'snapshot': case 'install': this.mark(ev, index, ev.kind, ev.index); break;
    case 'membership': this.change(ev, index, { voters: ev.voters, outgoing: ev.outgoing, learners: ev.learners });
      this.mark(ev, index, 'membership', ev.voters.join(' ')); break;
    case 'crash': this.change(ev, index, { down: true, paused: false });
      this.closeRegion('pause', ev.node, ev.t); this.openRegion('down', ev.node, ev.t, 'down');
      this.band(ev.node, ev.t); break;
    case 'restart': this.change(ev, index, { down: false }); this.closeRegion('down', ev.node, ev.t);
      this.band(ev.node, ev.t); break;
    case 'pause': this.change(ev, index, { paused: true }); this.closeRegion('pause', ev.node, ev.t);
      this.openRegion('pause', ev.node, ev.t, ev.text, ev.untilNanos); break;
    case 'resume': this.change(ev, index, { paused: false }); this.closeRegion('pause', ev.node, ev.t); break;
    case 'slow-disk': this.closeRegion('slow', ev.node, ev.t); this.openRegion('slow', ev.node, ev.t, ev.text, ev.untilNanos);
      break;
    case 'clock-jump': case 'disk-error': this.mark(ev, index, ev.kind, ev.text); break;
    case 'partition': this.setPartition(ev, index); break;
    case 'heal': this.healDisks(ev.t); this.model.clusterMarks.push({ t: ev.t, kind: ev.kind, text: ev.text, event: index });
      break;
    case 'fault': case 'note': this.model.clusterMarks.push({ t: ev.t, kind: ev.kind, text: ev.text, event: index });
      break;
    case 'send': case 'deliver': case 'drop': case 'duplicate': this.message(ev, index); break;
    case 'violation': this.model.violation = { t: ev.t, node: ev.node || 0, event: index, property: ev.property,
      message: ev.message, livelock: ev.livelock }; break;
  }
};

Keel.ModelBuilder.prototype.init = function (ev, index) {
  this.current[ev.node] = {
    role: ev.role, term: ev.term, vote: ev.vote, leader: ev.leader, last: ev.last, tailFrom: ev.tailFrom,
    tail: ev.tail, commit: ev.commit, applied: ev.applied, voters: ev.voters, outgoing: ev.outgoing,
    learners: ev.learners, down: ev.down, paused: ev.paused
  };
  this.record(ev.node, index);
  if (ev.down) this.openRegion('down', ev.node, ev.t, 'down');
  if (ev.paused) this.openRegion('pause', ev.node, ev.t, 'paused');
  this.band(ev.node, ev.t);
};

/** The node's state changes: a new state object (states are shared, never changed in place). */
Keel.ModelBuilder.prototype.change = function (ev, index, fields) {
  var next = Object.assign({}, this.current[ev.node] || {}, fields);
  this.current[ev.node] = next;
  this.record(ev.node, index);
};

Keel.ModelBuilder.prototype.record = function (node, index) {
  var states = this.model.states[node];
  states.at.push(index);
  states.values.push(this.current[node]);
};

/** Ends the node's band at t and starts one for its state now (a down node has none). */
Keel.ModelBuilder.prototype.band = function (node, t) {
  var open = this.bandOpen[node];
  if (open) open.to = t;
  var state = this.current[node];
  if (!state || state.down) { this.bandOpen[node] = null; return; }
  var band = { from: t, to: null, role: state.role, term: state.term };
  this.model.bands[node].push(band);
  this.bandOpen[node] = band;
};

Keel.ModelBuilder.prototype.openRegion = function (kind, node, t, text, until) {
  var region = { kind: kind, node: node, from: t, to: until || null, text: text };
  this.model.regions.push(region);
  this.open[kind + ':' + node] = region;
};

Keel.ModelBuilder.prototype.closeRegion = function (kind, node, t) {
  var region = this.open[kind + ':' + node];
  if (region && (region.to === null || region.to > t)) region.to = t;
  delete this.open[kind + ':' + node];
};

/** A heal ends every slow disk (pauses end with their own resume events). */
Keel.ModelBuilder.prototype.healDisks = function (t) {
  for (var node = 1; node <= this.model.lanes; node++) this.closeRegion('slow', node, t);
};

Keel.ModelBuilder.prototype.mark = function (ev, index, kind, value) {
  this.model.marks.push({ t: ev.t, node: ev.node, kind: kind, value: value, event: index });
};

Keel.ModelBuilder.prototype.setPartition = function (ev, index) {
  if (this.partition) this.partition.to = ev.t;
  this.partition = null;
  if (!ev.cuts.length) return;
  var nodes = {};
  ev.cuts.forEach(function (cut) { nodes[cut[0]] = true; nodes[cut[1]] = true; });
  // The lanes shaded: nodes that hear from fewer peers than the others (the deaf or cut-off side).
  var deaf = {};
  ev.cuts.forEach(function (cut) { deaf[cut[1]] = (deaf[cut[1]] || 0) + 1; });
  this.partition = { from: ev.t, to: null, text: ev.text, cuts: ev.cuts, deaf: deaf, event: index };
  this.model.partitions.push(this.partition);
};

Keel.ModelBuilder.prototype.message = function (ev, index) {
  this.typeSet[ev.type] = true;
  if (ev.kind === 'send') {
    this.sends[ev.id] = { id: ev.id, type: ev.type, from: ev.from, to: ev.to, sendT: ev.t, sendEvent: index, term: ev.term };
    return;
  }
  var sent = this.sends[ev.id];
  if (!sent || ev.kind === 'duplicate') return; // sent before the window: no arrow
  var arrow = Object.assign({}, sent, { endT: ev.t, endEvent: index, outcome: ev.kind, reason: ev.reason || null });
  this.model.messages.push(arrow);
};

Keel.ModelBuilder.prototype.finish = function () {
  var m = this.model;
  var end = m.end;
  m.bands.forEach(function (bands) { bands.forEach(function (b) { if (b.to === null) b.to = end; }); });
  m.regions.forEach(function (r) { if (r.to === null || r.to > end) r.to = Math.max(r.from, Math.min(r.to || end, end)); });
  m.partitions.forEach(function (p) { if (p.to === null) p.to = end; });
  m.types = Object.keys(this.typeSet).sort();
};

/** The node's state after event `index` (its last change at or before it), or null. */
Keel.stateAt = function (model, node, index) {
  var states = model.states[node];
  var lo = 0, hi = states.at.length - 1, found = -1;
  while (lo <= hi) {
    var mid = (lo + hi) >> 1;
    if (states.at[mid] <= index) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found < 0 ? null : states.values[found];
};

/** The lane's last event at or before t (what the node's state at t follows from), else its first; -1 if none. */
Keel.eventAt = function (model, lane, t) {
  var list = model.laneEvents[lane] || [];
  var events = model.events;
  var lo = 0, hi = list.length - 1, found = list.length ? list[0] : -1;
  while (lo <= hi) {
    var mid = (lo + hi) >> 1;
    if (events[list[mid]].t <= t) { found = list[mid]; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found;
};
