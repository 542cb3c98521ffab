package io.keel.kv.resp;

import io.keel.kv.config.ClientReadMode;

/** What one client connection has set: its name and how its reads are served. Used on its event loop only. */
final class ClientState {

  final long id;
  String name = "";
  ClientReadMode readMode;
  boolean quitting;

  ClientState(long id, ClientReadMode readMode) {
    this.id = id;
    this.readMode = readMode;
  }
}
