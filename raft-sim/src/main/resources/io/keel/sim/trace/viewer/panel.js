// Keel trace viewer: the side panel. Says what the selected event is, and shows its node's state
// at that moment (role, term, vote, leader, log tail, commit and applied index, configuration),
// with the whole cluster's roles, terms and indexes beneath.
'use strict';

/** One event in words. */
Keel.describe = function (ev) {
  var n = function (x) { return 'n' + x; };
  switch (ev.kind) {
    case 'init': return n(ev.node) + ' at the window\u2019s start: ' + (ev.down ? 'down' : ev.role + ' of term ' + ev.term);
    case 'send': return n(ev.from) + ' sends ' + ev.type + ' to ' + n(ev.to) + ': ' + ev.text;
    case 'deliver': return n(ev.to) + ' receives ' + ev.type + ' from ' + n(ev.from) + ' (message ' + ev.id + ')';
    case 'drop': return ev.type + ' from ' + n(ev.from) + ' to ' + n(ev.to) + ' is lost (' + ev.reason + ')';
    case 'duplicate': return ev.type + ' from ' + n(ev.from) + ' to ' + n(ev.to) + ' will arrive twice';
    case 'role': return n(ev.node) + ' becomes ' + ev.role + ' of term ' + ev.term + (ev.leader ? ', leader ' + ev.leader : '');
    case 'vote': return n(ev.node) + ' votes for ' + ev['for'] + ' in term ' + ev.term;
    case 'append': return n(ev.node) + '\u2019s log now ends at ' + ev.last;
    case 'commit': return n(ev.node) + ' commits up to ' + ev.commit;
    case 'apply': return n(ev.node) + ' has applied up to ' + ev.applied;
    case 'snapshot': return n(ev.node) + ' took a snapshot at ' + ev.index;
    case 'install': return n(ev.node) + ' installed the leader\u2019s snapshot at ' + ev.index;
    case 'membership': return n(ev.node) + ' configuration: voters ' + ev.voters.join(', ') +
      (ev.outgoing.length ? ' (joint with ' + ev.outgoing.join(', ') + ')' : '') +
      (ev.learners.length ? ', learners ' + ev.learners.join(', ') : '');
    case 'crash': return n(ev.node) + ' crashes';
    case 'restart': return n(ev.node) + ' restarts from its disk';
    case 'resume': return n(ev.node) + ' resumes after a pause';
    case 'partition': return 'partition: ' + ev.text;
    case 'violation': return (ev.livelock ? 'LIVELOCK ' : 'VIOLATION ') + 'caught: ' + ev.message;
    default: return ev.kind + (ev.text ? ': ' + ev.text : '');
  }
};

Keel.logTail = function (state) {
  if (!state.tail || !state.tail.length) return state.last > 0 ? '\u2026 ' + state.last : 'empty';
  var parts = state.tail.map(function (term, i) { return (state.tailFrom + i) + '@t' + term; });
  return (state.tailFrom > 1 ? '\u2026 ' : '') + parts.join('  ');
};

Keel.Panel = function (model) {
  this.model = model;
  this.eventBox = document.getElementById('event-panel');
  this.stateBox = document.getElementById('state-panel');
  this.clusterBox = document.getElementById('cluster-panel');
};

Keel.Panel.prototype.show = function (index) {
  var ev = this.model.events[index];
  document.getElementById('event-index').textContent = 'event ' + (index + 1) + ' of ' + this.model.events.length;
  document.getElementById('event-time').textContent = Keel.formatTime(ev.t);
  document.getElementById('event-text').textContent = Keel.describe(ev);
  this.eventBox.setAttribute('data-event', index);
  var lane = Keel.laneOf(ev);
  var state = lane ? Keel.stateAt(this.model, lane, index) : null;
  this.stateBox.hidden = !state;
  if (state) this.showState(lane, state);
  this.showCluster(index, lane);
};

Keel.Panel.prototype.showState = function (node, state) {
  var fields = {
    node: 'n' + node,
    status: state.down ? 'down' : state.paused ? 'paused' : 'up',
    role: state.role, term: state.term, vote: state.vote || '\u2014', leader: state.leader || '\u2014',
    log: Keel.logTail(state), commit: state.commit, applied: state.applied,
    voters: (state.voters || []).join(' ') + (state.outgoing && state.outgoing.length ? ' | ' + state.outgoing.join(' ') : '')
  };
  this.stateBox.setAttribute('data-node', node);
  Object.keys(fields).forEach(function (name) {
    document.querySelector('#state-panel [data-field="' + name + '"]').textContent = fields[name];
  });
};

Keel.Panel.prototype.showCluster = function (index, lane) {
  var body = this.clusterBox.querySelector('tbody');
  body.textContent = '';
  for (var node = 1; node <= this.model.lanes; node++) {
    var s = Keel.stateAt(this.model, node, index);
    var row = document.createElement('tr');
    if (node === lane) row.className = 'current';
    var cells = ['n' + node, s ? (s.down ? 'down' : s.role) : '?', s ? s.term : '', s ? s.last : '', s ? s.commit : '', s ? s.applied : ''];
    cells.forEach(function (text, i) {
      var cell = document.createElement('td');
      cell.textContent = text;
      if (i === 1 && s && !s.down) cell.className = 'role-text role-' + s.role;
      row.appendChild(cell);
    });
    body.appendChild(row);
  }
};
