package io.keel.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The configuration's one binary form: every configuration survives the round trip, and bytes from
 * disk or the wire either decode to a configuration that encodes back to exactly them, or are
 * refused with an {@link IllegalArgumentException} naming what is wrong; nothing else is thrown.
 */
class ConfigurationCodecProperties {

  @Property(tries = 2_000)
  void everyConfigurationSurvivesTheRoundTrip(@ForAll("configurations") Configuration configuration) {
    byte[] bytes = ConfigurationCodec.encode(configuration);
    assertEquals(configuration, ConfigurationCodec.decode(bytes));
    assertTrue(bytes.length <= ConfigurationCodec.MAX_ENCODED_BYTES);
  }

  @Property(tries = 3_000)
  void anyChangedByteIsRefusedOrIsAnotherConfigurationExactly(@ForAll("configurations") Configuration configuration,
      @ForAll @IntRange(min = 0, max = 10_000) int position, @ForAll byte value) {
    byte[] bytes = ConfigurationCodec.encode(configuration);
    bytes[position % bytes.length] = value;
    assertDecodesExactlyOrIsRefused(bytes);
  }

  @Property(tries = 3_000)
  void arbitraryBytesAreRefusedOrDecodeExactly(@ForAll byte[] bytes) {
    assertDecodesExactlyOrIsRefused(bytes);
  }

  @Property(tries = 1_000)
  void aCutOrGrownEncodingIsRefused(@ForAll("configurations") Configuration configuration,
      @ForAll @IntRange(min = 1, max = 50) int change) {
    byte[] bytes = ConfigurationCodec.encode(configuration);
    byte[] cut = Arrays.copyOf(bytes, Math.max(0, bytes.length - change));
    byte[] grown = Arrays.copyOf(bytes, bytes.length + change);
    assertThrows(IllegalArgumentException.class, () -> ConfigurationCodec.decode(cut));
    assertThrows(IllegalArgumentException.class, () -> ConfigurationCodec.decode(grown));
  }

  @Example
  void aConfigurationEntryMustDecodeAndNameAVoter() {
    Configuration learnersOnly = new Configuration(new TreeSet<>(), new TreeSet<>(),
        new TreeSet<>(List.of(NodeId.of("n1"))), new TreeMap<>());
    assertThrows(IllegalArgumentException.class,
        () -> new LogEntry(1, 1, EntryType.CONFIGURATION, ConfigurationCodec.encode(learnersOnly)));
    assertThrows(IllegalArgumentException.class, () -> new LogEntry(1, 1, EntryType.CONFIGURATION, new byte[] {7}));
    Configuration three = Configuration.ofVoters(List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3")));
    assertEquals(three, LogEntry.configuration(1, 1, three).configuration());
  }

  private static void assertDecodesExactlyOrIsRefused(byte[] bytes) {
    Configuration decoded;
    try {
      decoded = ConfigurationCodec.decode(bytes);
    } catch (IllegalArgumentException refused) {
      assertTrue(refused.getMessage() != null && !refused.getMessage().isEmpty());
      return;
    }
    assertArrayEquals(bytes, ConfigurationCodec.encode(decoded), "a decoded configuration encodes back exactly");
  }

  /** Configurations of up to 12 members in every role, some with addresses (ASCII and not). */
  @Provide
  Arbitrary<Configuration> configurations() {
    return Arbitraries.integers().between(0, 5).array(int[].class).ofMinSize(1).ofMaxSize(12).map(roles -> {
      TreeSet<NodeId> voters = new TreeSet<>();
      TreeSet<NodeId> outgoing = new TreeSet<>();
      TreeSet<NodeId> learners = new TreeSet<>();
      TreeMap<NodeId, String> addresses = new TreeMap<>();
      for (int i = 0; i < roles.length; i++) {
        NodeId node = NodeId.of("node-" + i);
        switch (roles[i]) {
          case 0 -> voters.add(node);
          case 1 -> outgoing.add(node);
          case 2 -> {
            voters.add(node);
            outgoing.add(node);
          }
          case 3 -> learners.add(node);
          case 4 -> {
            outgoing.add(node);
            learners.add(node);
          }
          default -> voters.add(node);
        }
        if (i % 3 == 0) {
          addresses.put(node, i % 2 == 0 ? "10.0.0." + i + ":7000" : "höst-" + i + ".example:7" + i);
        }
      }
      if (voters.isEmpty()) {
        voters.add(NodeId.of("node-x"));
      }
      return new Configuration(voters, outgoing, learners, addresses);
    });
  }
}
