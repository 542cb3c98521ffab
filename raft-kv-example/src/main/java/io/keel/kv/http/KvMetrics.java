package io.keel.kv.http;

import io.keel.kv.server.KvNode;
import io.keel.kv.server.RequestMetrics;
import io.keel.kv.server.ShardReplica;
import io.keel.raft.metrics.LatencySnapshot;
import io.keel.raft.runtime.GroupStatus;
import io.keel.raft.storage.file.StorageStats;
import io.keel.transport.netty.PeerStats;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.ToDoubleFunction;

/**
 * The node's metrics in a Prometheus registry of its own, served by {@code GET /metrics} in the
 * Prometheus text format: the service's requests (counts by port, command and outcome; latency
 * histograms) and Keel's own figures, read from the node when scraped (terms, commit and apply
 * indexes and lag, leadership, followers' lag, log writes and fsync latency, snapshots, bytes and
 * messages per peer, client connections).
 */
public final class KvMetrics implements RequestMetrics {

  private static final double[] LATENCY_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests = Counter.builder().name("keel_kv_requests_total")
      .help("Client requests answered, by port, command and outcome (ok, or the error's code)")
      .labelNames("port", "command", "outcome").register(registry);
  private final Histogram latency = Histogram.builder().name("keel_kv_request_seconds")
      .help("From a client request's arrival to its answer").labelNames("port", "command")
      .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
  /** Data points by port, then command. */
  private final Map<String, Map<String, Points>> points = new ConcurrentHashMap<>();
  private volatile KvNode node;

  /** Reads Keel's figures from {@code node} from now on (before, only requests are counted). */
  public void watch(KvNode watched) {
    if (node != null) {
      throw new IllegalStateException("already watching " + node.config().nodeId());
    }
    node = watched;
    registerGroupFigures();
    registerStorageFigures();
    registerTransportFigures();
  }

  @Override
  public void answered(String port, String command, String outcome, long nanos) {
    Points found = points.computeIfAbsent(port, p -> new ConcurrentHashMap<>())
        .computeIfAbsent(command, c -> new Points(port, c));
    (outcome.equals("ok") ? found.ok : found.failures.computeIfAbsent(outcome,
        o -> requests.labelValues(port, command, o))).inc();
    found.latency.observe(nanos / 1e9);
  }

  /** One command's data points, looked up once rather than by their labels on every request. */
  private final class Points {
    final CounterDataPoint ok;
    final DistributionDataPoint latency;
    final Map<String, CounterDataPoint> failures = new ConcurrentHashMap<>();

    Points(String port, String command) {
      this.ok = requests.labelValues(port, command, "ok");
      this.latency = KvMetrics.this.latency.labelValues(port, command);
    }
  }

  /** Writes every metric in the Prometheus text format. */
  public void scrape(OutputStream out) throws IOException {
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
  }

  /** The content type of {@link #scrape}. */
  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }

  private void registerGroupFigures() {
    groupGauge("keel_raft_term", "The group's current term on this node", status -> status.term());
    groupGauge("keel_raft_commit_index", "The highest index this node knows committed", status -> status.commitIndex());
    groupGauge("keel_raft_applied_index", "The highest index this node's state machine applied",
        status -> status.appliedIndex());
    groupGauge("keel_raft_apply_lag_entries", "Committed entries not yet applied on this node",
        status -> status.commitIndex() - status.appliedIndex());
    groupGauge("keel_raft_last_log_index", "The index of this node's last log entry", status -> status.lastLogIndex());
    groupGauge("keel_raft_is_leader", "1 if this node leads the group", status -> status.isLeader() ? 1 : 0);
    groupGauge("keel_raft_voters", "Voters in the configuration in force", status -> status.configuration().voters().size());
    groupCounter("keel_raft_snapshots_taken", "Snapshots this node took", status -> status.snapshots().taken());
    groupCounter("keel_raft_snapshots_sent", "Snapshots this node sent to followers", status -> status.snapshots().sent());
    groupCounter("keel_raft_snapshots_installed", "Snapshots this node installed from a leader",
        status -> status.snapshots().installed());
    GaugeWithCallback.builder().name("keel_raft_follower_lag_entries")
        .help("On a leader: how many entries each follower is behind its log").labelNames("group", "peer")
        .callback(callback -> eachGroup((replica, status) -> status.matchIndexes().keySet().forEach(peer ->
            callback.call(status.lag(peer), status.group().value(), peer.value()))))
        .register(registry);
    GaugeWithCallback.builder().name("keel_kv_keys").help("Keys in this node's replica of each group")
        .labelNames("group").callback(callback -> eachGroup((replica, status) ->
            callback.call(replica.store().size(), status.group().value()))).register(registry);
    GaugeWithCallback.builder().name("keel_kv_sessions").help("Client sessions this node has open in each group")
        .labelNames("group").callback(callback -> eachGroup((replica, status) ->
            callback.call(replica.sessions(), status.group().value()))).register(registry);
    GaugeWithCallback.builder().name("keel_kv_resp_connections").help("Open RESP client connections")
        .callback(callback -> callback.call(node.respStats().openConnections())).register(registry);
    CounterWithCallback.builder().name("keel_kv_resp_refused_input").help("RESP connections closed for input that is no RESP")
        .callback(callback -> callback.call(node.respStats().refusedInput())).register(registry);
  }

  private void registerStorageFigures() {
    storageCounter("keel_raft_log_entries_written", "Log entries this node wrote", stats -> stats.entriesWritten());
    storageCounter("keel_raft_log_bytes_written", "Bytes of log records this node wrote", stats -> stats.bytesWritten());
    storageCounter("keel_raft_fsyncs", "fsync calls on the log's files", stats -> stats.syncs());
    GaugeWithCallback.builder().name("keel_raft_fsync_latency_seconds")
        .help("fsync latency of the log since it opened, by statistic (p50, p99, max)").labelNames("group", "stat")
        .callback(callback -> eachGroup((replica, status) -> replica.group().storageStats().ifPresent(stats -> {
          LatencySnapshot fsync = stats.fsyncLatency();
          callback.call(fsync.p50Nanos() / 1e9, status.group().value(), "p50");
          callback.call(fsync.p99Nanos() / 1e9, status.group().value(), "p99");
          callback.call(fsync.maxNanos() / 1e9, status.group().value(), "max");
        }))).register(registry);
  }

  private void registerTransportFigures() {
    peerCounter("keel_transport_bytes_sent", "Bytes sent to each peer", PeerStats::bytesOut);
    peerCounter("keel_transport_bytes_received", "Bytes received from each peer", PeerStats::bytesIn);
    peerCounter("keel_transport_messages_sent", "Messages sent to each peer", PeerStats::messagesOut);
    peerCounter("keel_transport_messages_received", "Messages received from each peer", PeerStats::messagesIn);
    peerCounter("keel_transport_dropped_queue_full", "Messages to each peer dropped because its queue was full",
        PeerStats::droppedQueueFull);
    GaugeWithCallback.builder().name("keel_transport_connected").help("1 while connected to each peer")
        .labelNames("peer").callback(callback -> node.transport().stats().peers().forEach(peer ->
            callback.call(peer.connected() ? 1 : 0, peer.peer().value()))).register(registry);
  }

  private void groupGauge(String name, String help, ToDoubleFunction<GroupStatus> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("group")
        .callback(callback -> eachGroup((replica, status) -> callback.call(value.applyAsDouble(status),
            status.group().value()))).register(registry);
  }

  private void groupCounter(String name, String help, ToDoubleFunction<GroupStatus> value) {
    CounterWithCallback.builder().name(name).help(help).labelNames("group")
        .callback(callback -> eachGroup((replica, status) -> callback.call(value.applyAsDouble(status),
            status.group().value()))).register(registry);
  }

  private void storageCounter(String name, String help, ToDoubleFunction<StorageStats> value) {
    CounterWithCallback.builder().name(name).help(help).labelNames("group")
        .callback(callback -> eachGroup((replica, status) -> replica.group().storageStats().ifPresent(stats ->
            callback.call(value.applyAsDouble(stats), status.group().value())))).register(registry);
  }

  private void peerCounter(String name, String help, ToDoubleFunction<PeerStats> value) {
    CounterWithCallback.builder().name(name).help(help).labelNames("peer")
        .callback(callback -> node.transport().stats().peers().forEach(peer ->
            callback.call(value.applyAsDouble(peer), peer.peer().value()))).register(registry);
  }

  private void eachGroup(BiConsumer<ShardReplica, GroupStatus> action) {
    for (ShardReplica replica : node.service().replicas()) {
      GroupStatus status = replica.group().status();
      if (status != null) {
        action.accept(replica, status);
      }
    }
  }
}
