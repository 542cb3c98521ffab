package io.keel.raft.storage.file;

import io.keel.raft.HardState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a log directory and decides, without changing anything, what opening it means: which
 * segments hold the live log, which files are leftovers of an interrupted step (to be removed),
 * whether the last record is torn (to be cut), and whether the directory must be refused. The
 * rules are in docs/storage.md, "Recovery"; {@link FileLogStore} carries the plan out and
 * {@link LogInspector} prints it.
 */
final class LogRecovery {

  /**
   * What opening the directory means. If {@code refusal} is set, nothing else may be acted on.
   * {@code hardState} is null for a new directory. {@code live} are the scans of the segments that
   * stay, the last one possibly cut at {@code tornTail}.
   */
  record Plan(Path dir, HardState hardState, MetaFiles.LogStart start, List<SegmentScanner.Scan> scans,
      List<SegmentScanner.Scan> live, List<Path> toDelete, SegmentScanner.Damage tornTail,
      List<String> notes, CorruptLogException refusal) {

    boolean isNew() {
      return hardState == null && refusal == null;
    }

    long lastIndex() {
      return live.isEmpty() ? start.index() : Math.max(start.index(), live.get(live.size() - 1).lastIndex());
    }
  }

  private final Path dir;
  private final List<Path> toDelete = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private LogRecovery(Path dir) {
    this.dir = dir;
  }

  /** Reads {@code dir}, which must exist and be a directory, and plans its opening. */
  static Plan plan(Path dir) throws IOException {
    return new LogRecovery(dir).plan();
  }

  private Plan plan() throws IOException {
    List<Path> segmentFiles = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (SegmentFormat.baseIndexOf(name) >= 0) {
          segmentFiles.add(file);
        } else if (name.endsWith(MetaFiles.TEMP_SUFFIX)) {
          toDelete.add(file);
          notes.add(name + ": a metadata file whose replacement was interrupted; removed on open");
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Path hardStateFile = dir.resolve(MetaFiles.HARD_STATE);
    Path logStartFile = dir.resolve(MetaFiles.LOG_START);
    List<SegmentScanner.Scan> scans = new ArrayList<>();
    for (Path file : segmentFiles) {
      scans.add(SegmentScanner.scan(file, SegmentFormat.baseIndexOf(file.getFileName().toString())));
    }
    if (!Files.exists(hardStateFile)) {
      if (scans.isEmpty() && !Files.exists(logStartFile)) {
        return new Plan(dir, null, MetaFiles.LogStart.ORIGIN, scans, List.of(), toDelete, null, notes, null);
      }
      return refuse(null, MetaFiles.LogStart.ORIGIN, scans, new CorruptLogException(hardStateFile, 0,
          "the hard-state file is missing but the directory holds a log; refusing to start with an unknown term and vote"));
    }
    HardState hardState;
    MetaFiles.LogStart start;
    try {
      hardState = MetaFiles.readHardState(hardStateFile);
      start = MetaFiles.readLogStart(logStartFile);
    } catch (CorruptLogException e) {
      return refuse(null, MetaFiles.LogStart.ORIGIN, scans, e);
    }
    return planLog(hardState, start, scans);
  }

  private Plan planLog(HardState hardState, MetaFiles.LogStart start, List<SegmentScanner.Scan> scans) {
    List<SegmentScanner.Scan> chain = new ArrayList<>(scans);
    SegmentScanner.Damage tornTail = null;
    for (int i = 0; i < chain.size(); i++) {
      SegmentScanner.Scan scan = chain.get(i);
      boolean last = i == chain.size() - 1;
      if (scan.damage() == null) {
        continue;
      }
      if (!last || !scan.damage().tornLike()) {
        return refuse(hardState, start, scans, scan.damage().toException());
      }
      if (scan.header() == null) {
        toDelete.add(scan.file());
        notes.add(scan.file().getFileName() + ": a segment whose creation was interrupted ("
            + scan.damage().problem() + "); removed on open");
        chain.remove(i);
      } else {
        tornTail = scan.damage();
        notes.add(scan.file().getFileName() + ": torn write at offset " + tornTail.offset() + " ("
            + tornTail.problem() + "); " + (scan.fileSize() - tornTail.offset()) + " bytes cut on open");
      }
    }
    for (int i = 1; i < chain.size(); i++) {
      SegmentScanner.Scan before = chain.get(i - 1);
      SegmentScanner.Scan scan = chain.get(i);
      if (scan.baseIndex() != before.lastIndex() + 1 || scan.header().previousTerm() != before.lastTerm()) {
        return refuse(hardState, start, scans, new CorruptLogException(scan.file(), 8, "the segment starts at index "
            + scan.baseIndex() + " after term " + scan.header().previousTerm() + ", but the segment before it ends at "
            + before.lastIndex() + "@" + before.lastTerm() + ": a segment is missing or damaged"));
      }
    }
    List<SegmentScanner.Scan> live = new ArrayList<>();
    if (!chain.isEmpty()) {
      SegmentScanner.Scan first = chain.get(0);
      long lastIndex = chain.get(chain.size() - 1).lastIndex();
      if (lastIndex > start.index() && first.baseIndex() > start.index() + 1) {
        return refuse(hardState, start, scans, new CorruptLogException(first.file(), 0, "the log starts after index "
            + start.index() + " but its first segment begins at index " + first.baseIndex()
            + ": the entries between are missing"));
      }
      boolean connected = lastIndex >= start.index() && termAt(chain, start.index()) == start.term();
      for (SegmentScanner.Scan scan : chain) {
        if (connected && scan.lastIndex() >= start.index()) {
          live.add(scan);
        } else {
          toDelete.add(scan.file());
          notes.add(scan.file().getFileName() + (connected || lastIndex < start.index()
              ? ": every entry is below the log start " + start.index() + "; removed on open"
              : ": left over from a compaction to " + start.index() + "@" + start.term()
                  + " that discarded the whole log; removed on open"));
        }
      }
      if (tornTail != null && (live.isEmpty() || !live.get(live.size() - 1).file().equals(tornTail.file()))) {
        tornTail = null;
      }
    }
    return new Plan(dir, hardState, start, scans, live, toDelete, tornTail, notes, null);
  }

  private static long termAt(List<SegmentScanner.Scan> chain, long index) {
    for (SegmentScanner.Scan scan : chain) {
      if (index >= scan.baseIndex() - 1 && index <= scan.lastIndex()) {
        return scan.termAt(index);
      }
    }
    return -1;
  }

  private Plan refuse(HardState hardState, MetaFiles.LogStart start, List<SegmentScanner.Scan> scans,
      CorruptLogException refusal) {
    return new Plan(dir, hardState, start, scans, List.of(), List.of(), null, notes, refusal);
  }
}
