/**
 * Keel's replicated key-value service (Redis protocol and HTTP/JSON), Keel's example and proving ground.
 *
 * <p>This module builds but is still empty; its issue fills it in.
 */
package io.keel.kv;
