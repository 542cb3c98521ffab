package io.keel.raft.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The progress file of a snapshot being received: how many payload bytes of its partial file are
 * durable, and their CRC-32C, so that a receive resumed after a crash knows where to go on and can
 * check the bytes it goes on from. Two slots are written in turn, each in place and forced, each
 * with its own CRC: a write torn by a crash damages one slot only, and the other still holds the
 * previous durable position.
 *
 * <pre>
 * slot (44 bytes, at offset 0 or 44):  magic (4) | version (4) | sequence (8) | snapshot's last index (8)
 *     | snapshot's declared CRC-32C (4) | durable payload bytes (8) | their CRC-32C (4)
 *     | CRC-32C of the slot's bytes before it (4)
 * </pre>
 *
 * <p>Sequence {@code n} goes to slot {@code n % 2}; the valid slot with the highest sequence that
 * names the partial's snapshot is the durable position. A file with no such slot means position 0.
 */
final class ReceiveProgress {

  static final int MAGIC = 0x4B535052; // "KSPR"
  static final int VERSION = 1;
  static final int SLOT_BYTES = 44;

  /** A durable position: {@code payloadBytes} bytes with CRC-32C {@code payloadCrc}, recorded as {@code sequence}. */
  record Position(long sequence, long payloadBytes, long payloadCrc) {
    static final Position START = new Position(0, 0, 0);
  }

  private ReceiveProgress() {}

  /** Records {@code position} of the snapshot at {@code lastIndex} with declared CRC {@code checksum}; forces it. */
  static void write(FileChannel channel, Position position, long lastIndex, long checksum) throws IOException {
    ByteBuffer slot = ByteBuffer.allocate(SLOT_BYTES);
    slot.putInt(MAGIC).putInt(VERSION).putLong(position.sequence()).putLong(lastIndex).putInt((int) checksum)
        .putLong(position.payloadBytes()).putInt((int) position.payloadCrc());
    slot.putInt(SnapshotFormat.crc(slot.array(), 0, slot.position()));
    slot.flip();
    long offset = (position.sequence() % 2) * SLOT_BYTES;
    while (slot.hasRemaining()) {
      channel.write(slot, offset + slot.position());
    }
    channel.force(false);
  }

  /**
   * The durable position the file {@code channel} records for the snapshot at {@code lastIndex}
   * with declared CRC {@code checksum}, or {@link Position#START} if no slot is valid and names it.
   */
  static Position read(FileChannel channel, long lastIndex, long checksum) throws IOException {
    ByteBuffer slots = ByteBuffer.allocate(2 * SLOT_BYTES);
    while (slots.hasRemaining() && channel.read(slots, slots.position()) >= 0) {
      // reads both slots, or what the file holds of them
    }
    Position best = Position.START;
    for (int slot = 0; slot < 2; slot++) {
      if (slots.position() < (slot + 1) * SLOT_BYTES) {
        break;
      }
      ByteBuffer bytes = ByteBuffer.wrap(slots.array(), slot * SLOT_BYTES, SLOT_BYTES).slice();
      Position position = decode(bytes, lastIndex, checksum);
      if (position != null && position.sequence() % 2 == slot && position.sequence() > best.sequence()) {
        best = position;
      }
    }
    return best;
  }

  private static Position decode(ByteBuffer slot, long lastIndex, long checksum) {
    CRC32C crc = new CRC32C();
    crc.update(slot.duplicate().limit(SLOT_BYTES - 4));
    if ((int) crc.getValue() != slot.getInt(SLOT_BYTES - 4) || slot.getInt(0) != MAGIC || slot.getInt(4) != VERSION) {
      return null;
    }
    long sequence = slot.getLong(8);
    long payloadBytes = slot.getLong(28);
    if (slot.getLong(16) != lastIndex || Integer.toUnsignedLong(slot.getInt(24)) != checksum || sequence < 1
        || payloadBytes < 0) {
      return null;
    }
    return new Position(sequence, payloadBytes, Integer.toUnsignedLong(slot.getInt(36)));
  }
}
