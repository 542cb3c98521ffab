package io.keel.raft.storage.file;

import io.keel.raft.DurabilityListener;
import io.keel.raft.HardState;
import io.keel.raft.LogEntry;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The process {@link CrashRecoveryTest} kills: it appends entries with content derived from
 * (index, term, generation) to a {@link FileLogStore} for ever, sometimes truncating or compacting,
 * and writes to an event file, line by line as it happens, each entry it appends ({@code A first
 * last term}), each truncation ({@code T from}) and compaction ({@code C index term}) before making
 * it, and each durability report ({@code D index term}). Each line is one {@code write} call, so
 * it survives a SIGKILL in the page cache (read from a pipe, the last lines before a kill went
 * missing in this test).
 *
 * <p>Arguments: the log directory, the generation, the random seed, the event file.
 */
public final class CrashChild {

  private CrashChild() {}

  /** The command of an entry: its identity and generation, then bytes derived from them. */
  static byte[] command(long index, long term, int generation) {
    int size = 28 + (int) ((index * 37 + term * 11 + generation) % 300);
    ByteBuffer buffer = ByteBuffer.allocate(size).putLong(index).putLong(term).putInt(generation).putInt(size);
    long state = index * 0x9E3779B97F4A7C15L + term * 31 + generation;
    while (buffer.hasRemaining()) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      buffer.put((byte) (state >>> 56));
    }
    return buffer.array();
  }

  /** Whether {@code entry} carries exactly the command {@link #command} derives for it. */
  static boolean intact(LogEntry entry) {
    byte[] command = entry.command();
    if (command.length < 28) {
      return false;
    }
    int generation = ByteBuffer.wrap(command).getInt(16);
    return java.util.Arrays.equals(command, command(entry.index(), entry.term(), generation));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int generation = Integer.parseInt(args[1]);
    Random random = new Random(Long.parseLong(args[2]));
    PrintStream out = new PrintStream(new java.io.FileOutputStream(args[3], true), true);
    long[] durable = {0};
    Object lock = new Object();
    DurabilityListener listener = new DurabilityListener() {
      @Override
      public void logDurable(long sequence, long index, long term) {
        synchronized (lock) {
          out.println("D " + index + " " + term);
          durable[0] = index;
          lock.notifyAll();
        }
      }

      @Override
      public void hardStateDurable(HardState state) {}

      @Override
      public void storageFailed(Exception cause) {
        synchronized (lock) {
          out.println("F " + cause);
        }
        System.exit(3);
      }
    };
    FileLogStoreOptions options = FileLogStoreOptions.defaults().withSegmentSizeBytes(16 * 1024).withCacheBytes(64 * 1024);
    FileLogStore store = FileLogStore.open(dir, options, listener);
    synchronized (lock) {
      durable[0] = store.lastIndex();
      out.println("READY " + store.firstIndex() + " " + store.lastIndex());
    }
    long term = Math.max(1, store.term(store.lastIndex()));
    while (true) {
      int choice = random.nextInt(100);
      long size = store.lastIndex() - store.firstIndex() + 1;
      if (choice < 4 && size > 0) {
        awaitDurable(lock, durable, store.lastIndex());
        long from = store.lastIndex() - random.nextInt((int) Math.min(size, 20));
        term++;
        synchronized (lock) {
          out.println("T " + from);
          durable[0] = from - 1; // every report from now on is about entries appended after the truncation
        }
        store.truncateSuffix(from);
      } else if (choice < 6 && size > 1) {
        awaitDurable(lock, durable, store.lastIndex());
        long index = store.firstIndex() + random.nextInt((int) (size / 2));
        synchronized (lock) {
          out.println("C " + index + " " + store.term(index));
        }
        store.compactPrefix(index, store.term(index));
      } else {
        int count = 1 + random.nextInt(20);
        List<LogEntry> entries = new ArrayList<>(count);
        for (long index = store.lastIndex() + 1; entries.size() < count; index++) {
          entries.add(LogEntry.command(index, term, command(index, term, generation)));
        }
        synchronized (lock) {
          out.println("A " + entries.get(0).index() + " " + (store.lastIndex() + count) + " " + term);
        }
        store.append(entries);
        awaitDurable(lock, durable, store.lastIndex() - 2000);
      }
    }
  }

  private static void awaitDurable(Object lock, long[] durable, long index) throws InterruptedException {
    synchronized (lock) {
      while (durable[0] < index) {
        lock.wait();
      }
    }
  }
}
