package io.keel.kv.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.kv.server.KvCluster;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP/JSON API, /status and /metrics of a three-node cluster, through the JDK's HTTP client. */
class HttpApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  static Path dir;
  static KvCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new KvCluster(dir, 3, 2, builder -> builder.httpListen(new InetSocketAddress("127.0.0.1", 0))
        .maxValueBytes(4096));
    cluster.awaitReady(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static HttpResponse<String> send(int node, String method, String path, byte[] body) throws Exception {
    InetSocketAddress address = cluster.node(node).httpAddress().orElseThrow();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void put_get_and_delete_on_any_node() throws Exception {
    for (int node = 0; node < 3; node++) {
      String key = "/kv/city" + node;
      HttpResponse<String> put = send(node, "PUT", key, "Zürich".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(200, put.statusCode(), put.body());
      assertTrue(json(put).get("ok").asBoolean());
      HttpResponse<String> get = send((node + 1) % 3, "GET", key, null);
      assertEquals(200, get.statusCode(), get.body());
      assertEquals("Zürich", json(get).get("value").asText());
      assertEquals(412, send(node, "PUT", key + "?if=absent", new byte[] {1}).statusCode());
      assertEquals(200, send(node, "PUT", key + "?if=present", new byte[] {(byte) 0xff, 0}).statusCode());
      assertEquals("/wA=", json(send(node, "GET", key, null)).get("valueBase64").asText(),
          "bytes that are no UTF-8 come as base64");
      assertEquals(200, send(node, "GET", key + "?read=local", null).statusCode(), "this replica, at once");
      assertEquals(1, json(send((node + 2) % 3, "DELETE", key, null)).get("deleted").asInt());
      assertEquals(404, send(node, "GET", key, null).statusCode());
      assertEquals(0, json(send(node, "DELETE", key, null)).get("deleted").asInt());
    }
  }

  @Test
  void bad_requests_get_json_errors() throws Exception {
    HttpResponse<String> badMode = send(0, "GET", "/kv/x?read=stale", null);
    assertEquals(400, badMode.statusCode());
    assertTrue(json(badMode).get("error").asText().contains("read must be"), badMode.body());
    assertEquals(400, send(0, "PUT", "/kv/x?if=maybe", new byte[] {1}).statusCode());
    assertEquals(404, send(0, "GET", "/nothing", null).statusCode());
    assertEquals(405, send(0, "POST", "/kv/x", new byte[] {1}).statusCode());
    HttpResponse<String> tooBig = send(1, "PUT", "/kv/big", new byte[5000]);
    assertEquals(400, tooBig.statusCode(), tooBig.body());
    assertTrue(json(tooBig).get("error").asText().contains("the limit is 4096"), tooBig.body());
    assertEquals(413, send(1, "PUT", "/kv/huge", new byte[200_000]).statusCode(), "not gathered beyond the limit");
  }

  @Test
  void status_is_json_of_every_group() throws Exception {
    JsonNode status = json(send(2, "GET", "/status", null));
    assertEquals("n3", status.get("node").asText());
    assertEquals(2, status.get("groups").size());
    for (JsonNode group : status.get("groups")) {
      assertTrue(group.get("role").asText().matches("leader|follower"), group.toString());
      assertEquals(3, group.get("voters").size());
      assertTrue(group.get("term").asLong() >= 1);
    }
    assertEquals(3, status.get("members").size(), "every node announced its addresses: " + status);
  }

  @Test
  void metrics_are_prometheus_text_of_keel_and_of_the_service() throws Exception {
    send(0, "PUT", "/kv/counted", new byte[] {1});
    HttpResponse<String> metrics = send(0, "GET", "/metrics", null);
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
    String text = metrics.body();
    for (String expected : new String[] {"keel_raft_term{group=\"kv-0\"}", "keel_raft_commit_index{group=\"kv-1\"}",
        "keel_raft_apply_lag_entries{", "keel_raft_fsync_latency_seconds{group=\"kv-0\",stat=\"p99\"}",
        "keel_transport_bytes_sent_total{peer=\"n2\"}", "keel_raft_snapshots_taken_total{group=\"kv-0\"}",
        "keel_kv_requests_total{command=\"put\",outcome=\"ok\",port=\"http\"}",
        "keel_kv_request_seconds_bucket{command=\"put\",port=\"http\",le=\"0.001\"}"}) {
      assertTrue(text.contains(expected), "no " + expected + " in\n" + text);
    }
  }
}
