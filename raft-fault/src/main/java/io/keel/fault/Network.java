package io.keel.fault;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Where the test's nodes run and how the links between them fail. In network namespaces
 * ({@code NamespaceNetwork}) every node has a host of its own on a bridge, and the links between
 * nodes can be cut (one way or both), made lossy and slowed; on loopback ({@code LoopbackNetwork},
 * when namespaces cannot be made) the nodes share 127.0.0.1 and only process faults are possible.
 * The test process itself (the clients) reaches every node's client port in both.
 */
public interface Network extends AutoCloseable {

  /** Whether links can be cut, made lossy or slowed; false on loopback. */
  boolean linkFaults();

  /** One line saying what this network is, for the test's output. */
  String describe();

  /** How many node places the network has. */
  int size();

  /** The Raft address peers dial to reach node {@code node} (its {@code members} entry). */
  InetSocketAddress raftAddress(int node);

  /** The address node {@code node}'s Raft transport binds ({@code raft-listen}). */
  InetSocketAddress raftListen(int node);

  /** The address node {@code node}'s RESP port binds, which the test's clients and the other nodes reach. */
  InetSocketAddress respAddress(int node);

  /** {@code command} wrapped so that it runs in node {@code node}'s place (for example under {@code ip netns exec}). */
  List<String> wrap(int node, List<String> command);

  /** Packets from node {@code from} no longer reach node {@code to} (the other way is untouched). */
  void cut(int from, int to);

  /** Of the packets from {@code from} to {@code to}, {@code percent} are dropped at random (0 for none). */
  void loss(int from, int to, int percent);

  /** Data from {@code from} to {@code to} on Raft connections is held back {@code delay} (zero for none). */
  void delay(int from, int to, Duration delay);

  /** Every link whole again: no cut, no loss, no delay. */
  void heal();

  /** Removes everything the network made (namespaces, links, rules, helper processes); idempotent. */
  @Override
  void close();
}
