/**
 * Keel's replicated key-value service (Redis protocol and HTTP/JSON), Keel's example and proving ground.
 *
 * <p>So far it holds the replicated store ({@link io.keel.kv.store}): its commands, their binary form
 * and the state machine with its snapshots. The servers, sharding and the command line come next.
 */
package io.keel.kv;
