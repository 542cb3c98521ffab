package io.keel.transport.netty.example;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.raft.NodeId;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/getting-started.md, run by the build: three {@link OrdersNode}s on 127.0.0.1, as the guide
 * starts them in three terminals; an order typed at the leader is applied on all three, one typed
 * at a follower names the leader. And the guide's pom names the version this build makes.
 */
class GettingStartedTest {

  @TempDir Path dir;

  @Test
  void three_nodes_from_the_guide_replicate_an_order() throws Exception {
    String list = "n1=127.0.0.1:" + freePort() + ",n2=127.0.0.1:" + freePort() + ",n3=127.0.0.1:" + freePort();
    Map<NodeId, java.net.InetSocketAddress> members = OrdersNode.members(list);
    List<OrdersNode> nodes = new ArrayList<>();
    try {
      for (NodeId id : members.keySet()) {
        nodes.add(OrdersNode.start(id, members, dir.resolve(id.value())));
      }
      String answer = nodes.get(0).order("apples");
      OrdersNode leader = nodes.get(0);
      if (!answer.startsWith("ordered")) {
        assertTrue(answer.endsWith(" leads: type your order there"), answer);
        NodeId named = NodeId.of(answer.substring(0, answer.indexOf(' ')));
        leader = nodes.stream().filter(node -> node.self.equals(named)).findFirst().orElseThrow();
        assertEquals("ordered apples, 1 so far", leader.order("apples"));
      } else {
        assertEquals("ordered apples, 1 so far", answer);
      }
      OrdersNode follower = nodes.stream().filter(node -> node != nodes.get(0)).findFirst().orElseThrow();
      for (OrdersNode node : nodes) {
        await().atMost(Duration.ofSeconds(10)).until(() -> node.orders.count("apples") == 1);
      }
      if (follower != leader) {
        assertEquals(leader.self + " leads: type your order there", follower.order("pears"));
      }
    } finally {
      nodes.forEach(OrdersNode::close);
    }
  }

  @Test
  void the_guides_pom_depends_on_the_version_this_build_makes() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    String guide = Files.readString(root.resolve("docs/getting-started.md"));
    String pom = Files.readString(root.resolve("pom.xml"));
    Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(pom.substring(pom.indexOf("<artifactId>keel-parent")));
    assertTrue(version.find(), "the parent pom's version");
    assertTrue(guide.contains("<artifactId>raft-transport-netty</artifactId>\n      <version>" + version.group(1) + "</version>"),
        "getting-started.md depends on raft-transport-netty " + version.group(1));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
