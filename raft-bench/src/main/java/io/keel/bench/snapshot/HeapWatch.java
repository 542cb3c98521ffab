package io.keel.bench.snapshot;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap a stretch of a run needed, measured two ways from the moment it is opened:
 *
 * <ul>
 *   <li>the <b>peak after GC</b>: the most heap still in use right after any collection, the sum
 *       of the heap pools in each collection's report. That is the live data plus what a young
 *       collection promoted, the figure that must stay below {@code -Xmx} for the run to go on;
 *   <li>the <b>peak used</b>: the sum of the heap pools' peak usage (reset when opened). It counts
 *       garbage not yet collected too, and pools peak at different times, so it is an upper bound
 *       on any moment's use; it can approach {@code -Xmx} whatever the live data, since a
 *       collector fills the heap before it collects.
 * </ul>
 */
final class HeapWatch implements AutoCloseable {

  private final Set<String> heapPools;
  private final AtomicLong peakAfterGcBytes = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;

  private HeapWatch() {
    this.heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP)
        .map(MemoryPoolMXBean::getName)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Starts watching: resets the pools' peaks and listens to every collector's reports. */
  static HeapWatch start() {
    HeapWatch watch = new HeapWatch();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(watch.listener, null, null);
        watch.emitters.add(emitter);
      }
    }
    return watch;
  }

  private void onNotification(Notification notification, Object handback) {
    if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
        (CompositeData) notification.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    collections.incrementAndGet();
    peakAfterGcBytes.accumulateAndGet(used, Math::max);
  }

  /** The most heap in use right after a collection since {@link #start()}; 0 if none ran. */
  long peakAfterGcBytes() {
    return peakAfterGcBytes.get();
  }

  /** Collections reported since {@link #start()}. */
  long collections() {
    return collections.get();
  }

  /** The sum of the heap pools' peak usage since {@link #start()} (or since a later watch started). */
  long peakUsedBytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /** The most heap this JVM may use ({@code -Xmx}). */
  static long maxBytes() {
    return Runtime.getRuntime().maxMemory();
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // already gone: nothing to undo
      }
    }
  }
}
