package io.keel.transport.netty.wire;

import java.lang.management.ManagementFactory;

/** Measures the heap a piece of code allocates on the current thread (HotSpot's per-thread counter). */
final class Allocations {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Code to measure, which may throw. */
  interface Action {
    void run() throws Exception;
  }

  /** What the code allocated, and the exception it threw, if any. */
  record Measurement(long allocatedBytes, Exception thrown) {}

  private Allocations() {}

  static Measurement measure(Action action) {
    if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
      throw new IllegalStateException("this JVM cannot count allocated bytes per thread");
    }
    Exception thrown = null;
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      action.run();
    } catch (Exception e) {
      thrown = e;
    }
    return new Measurement(THREADS.getCurrentThreadAllocatedBytes() - before, thrown);
  }
}
