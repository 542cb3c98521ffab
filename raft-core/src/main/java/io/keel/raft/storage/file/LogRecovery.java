package io.keel.raft.storage.file;

import io.keel.raft.HardState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a log directory and decides, without changing anything, what opening it means: which
 * segments hold the live log, which files are leftovers of an interrupted step (to be removed),
 * whether the last record is torn (to be cut), and whether the directory must be refused, with
 * every reason why. The rules are in docs/storage.md, "Recovery"; {@link FileLogStore} carries the
 * plan out and {@link LogInspector} prints it.
 */
final class LogRecovery {

  /** What the directory holds, by format. */
  enum Format {
    /** No log: opening creates a new, empty one. */
    NEW,
    /** Format version 1: {@code hardstate} and {@code logstart}, no manifest. Opening upgrades it. */
    VERSION_1,
    /** Format version 2: a manifest records the hard state and the log's extent. */
    VERSION_2,
    /** A log without a readable manifest or hard state: refused. */
    UNKNOWN
  }

  /**
   * What opening the directory means. If {@code refusals} is not empty, the first is the reason
   * to refuse and nothing else may be acted on. {@code manifest} is null unless the format is 2;
   * {@code hardState} is null for a new directory. {@code live} are the scans of the segments
   * that stay, the last one possibly cut at {@code tornTail}.
   */
  record Plan(Path dir, Format format, Manifest manifest, HardState hardState, MetaFiles.LogStart start,
      boolean lockMarked, List<SegmentScanner.Scan> scans, List<SegmentScanner.Scan> live, List<Path> toDelete,
      SegmentScanner.Damage tornTail, List<String> notes, List<CorruptLogException> refusals) {

    /** The reason to refuse the directory, or null if it opens. */
    CorruptLogException refusal() {
      return refusals.isEmpty() ? null : refusals.get(0);
    }

    boolean isNew() {
      return format == Format.NEW && refusals.isEmpty();
    }

    long lastIndex() {
      return live.isEmpty() ? start.index() : Math.max(start.index(), live.get(live.size() - 1).lastIndex());
    }

    /** The term of {@code index}, from the log start to {@link #lastIndex()}. */
    long termAt(long index) {
      return index == start.index() ? start.term() : LogRecovery.termAt(live, index);
    }
  }

  private final Path dir;
  private final List<Path> toDelete = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<CorruptLogException> problems = new ArrayList<>();
  private Format format = Format.NEW;
  private Manifest manifest;
  private HardState hardState;
  private MetaFiles.LogStart start = MetaFiles.LogStart.ORIGIN;
  private List<SegmentScanner.Scan> live = List.of();
  private SegmentScanner.Damage tornTail;

  private LogRecovery(Path dir) {
    this.dir = dir;
  }

  /** Reads {@code dir}, which must exist and be a directory, and plans its opening. */
  static Plan plan(Path dir) throws IOException {
    return new LogRecovery(dir).plan();
  }

  private Plan plan() throws IOException {
    DirectoryListing listing = DirectoryListing.read(dir);
    for (Path temp : listing.tempFiles()) {
      toDelete.add(temp);
      notes.add(temp.getFileName() + ": a file whose atomic replacement was interrupted; removed on open");
    }
    problems.addAll(listing.problems());
    List<SegmentScanner.Scan> scans = new ArrayList<>();
    for (DirectoryListing.SegmentFile segment : listing.segments()) {
      scans.add(SegmentScanner.scan(segment.file(), segment.baseIndex()));
    }
    boolean lockMarked = DirectoryLock.isMarked(dir);
    readMetadata(listing, scans, lockMarked);
    // Files that do not belong are refused, but the log is still checked, so that every problem is reported.
    if (format == Format.VERSION_2) {
      planRecordedLog(scans);
    } else if (format == Format.VERSION_1) {
      planVersion1Log(scans);
    }
    boolean refused = !problems.isEmpty();
    return new Plan(dir, format, manifest, hardState, start, lockMarked, scans, refused ? List.of() : live,
        refused ? List.of() : toDelete, refused ? null : tornTail, notes, problems);
  }

  /** Reads the manifest, or the files of format version 1, and decides the format. */
  private void readMetadata(DirectoryListing listing, List<SegmentScanner.Scan> scans, boolean lockMarked)
      throws IOException {
    Path manifestFile = dir.resolve(Manifest.FILE_NAME);
    try {
      if (listing.has(Manifest.FILE_NAME)) {
        manifest = Manifest.read(manifestFile);
        format = Format.VERSION_2;
        hardState = manifest.hardState();
        start = manifest.start();
        readUpgradeLeftovers(listing);
      } else if (listing.has(MetaFiles.HARD_STATE)) {
        hardState = MetaFiles.readHardState(dir.resolve(MetaFiles.HARD_STATE));
        start = MetaFiles.readLogStart(dir.resolve(MetaFiles.LOG_START));
        format = Format.VERSION_1;
      } else if (!scans.isEmpty() || listing.has(MetaFiles.LOG_START)) {
        format = Format.UNKNOWN;
        problems.add(new CorruptLogException(manifestFile, "the manifest is missing, but the directory holds a log ("
            + scans.size() + " segment files" + (listing.has(MetaFiles.LOG_START) ? " and a logstart file" : "")
            + "); refusing to start with an unknown term, vote and log extent"));
      } else if (lockMarked) {
        format = Format.UNKNOWN;
        problems.add(new CorruptLogException(manifestFile, "the manifest is missing, but the lock file shows that a "
            + "store has kept its log here; refusing to start afresh at term 0 with no vote, which could vote twice "
            + "in a term"));
      }
    } catch (CorruptLogException e) {
      format = Format.UNKNOWN;
      problems.add(e);
    }
  }

  /** Format version 1 files beside a manifest: left by an upgrade interrupted after it wrote the manifest. */
  private void readUpgradeLeftovers(DirectoryListing listing) throws IOException {
    for (String name : List.of(MetaFiles.HARD_STATE, MetaFiles.LOG_START)) {
      if (listing.has(name)) {
        Path file = dir.resolve(name);
        try {
          if (name.equals(MetaFiles.HARD_STATE)) {
            MetaFiles.readHardState(file);
          } else {
            MetaFiles.readLogStart(file);
          }
        } catch (CorruptLogException e) {
          problems.add(new CorruptLogException(file, "a file of format version 1 beside the manifest, which an "
              + "interrupted upgrade leaves, but it does not read as one: " + e.getMessage()));
          continue;
        }
        toDelete.add(file);
        notes.add(name + ": a format version 1 file beside the manifest, left by an interrupted upgrade; removed on "
            + "open");
      }
    }
  }

  /**
   * Format version 2. Segments newer than the manifest's newest segment hold nothing durable (a
   * segment is recorded before anything is written to it and unrecorded before it is deleted):
   * they are removed. The recorded ones must all be there, and reach the durable index.
   */
  private void planRecordedLog(List<SegmentScanner.Scan> scans) {
    long newest = manifest.newestSegment();
    List<SegmentScanner.Scan> recorded = new ArrayList<>();
    List<SegmentScanner.Scan> beyond = new ArrayList<>();
    for (SegmentScanner.Scan scan : scans) {
      (scan.baseIndex() <= newest ? recorded : beyond).add(scan);
    }
    for (SegmentScanner.Scan scan : beyond) {
      if (scan.damage() != null && !scan.damage().tornLike()) {
        problems.add(scan.damage().toException());
        return;
      }
      toDelete.add(scan.file());
      notes.add(scan.file().getFileName() + ": newer than the newest segment the manifest records ("
          + (newest == 0 ? "none" : SegmentFormat.fileName(newest)) + "), so it holds nothing durable: left by an "
          + "interrupted rollover, truncation or compaction; removed on open");
    }
    if (newest > 0 && (recorded.isEmpty() || recorded.get(recorded.size() - 1).baseIndex() != newest)) {
      problems.add(missingNewestSegment(recorded));
      return;
    }
    for (int i = 0; i < recorded.size(); i++) {
      SegmentScanner.Damage damage = recorded.get(i).damage();
      if (damage == null) {
        continue;
      }
      boolean mayBeTorn = i == recorded.size() - 1 && beyond.isEmpty() && recorded.get(i).header() != null
          && damage.tornLike();
      if (!mayBeTorn) {
        problems.add(damage.toException());
        return;
      }
      noteTornTail(recorded.get(i));
    }
    if (checkChain(recorded) && selectLive(recorded, true)) {
      checkDurableExtent();
    }
  }

  private CorruptLogException missingNewestSegment(List<SegmentScanner.Scan> recorded) {
    long newest = manifest.newestSegment();
    long durable = manifest.durableIndex();
    SegmentScanner.Scan last = recorded.isEmpty() ? null : recorded.get(recorded.size() - 1);
    long reached = last == null ? start.index() : Math.max(start.index(), last.lastIndex());
    String remaining = last == null ? "no segment remains" : "the remaining segments end at index " + reached;
    String missing = durable > reached ? "entries " + (reached + 1) + ".." + durable + " at least are missing"
        : "the entries it held, from index " + newest + " on, are missing";
    return new CorruptLogException(dir.resolve(SegmentFormat.fileName(newest)), "the segment is missing: the "
        + "manifest records it as the newest segment, and the log as durable through index " + durable + ", but "
        + remaining + ": " + missing);
  }

  /** The log must reach the manifest's durable index, with the term the manifest records there. */
  private void checkDurableExtent() {
    long durable = manifest.durableIndex();
    long last = live.isEmpty() ? start.index() : Math.max(start.index(), live.get(live.size() - 1).lastIndex());
    Path file = live.isEmpty() ? dir.resolve(Manifest.FILE_NAME) : live.get(live.size() - 1).file();
    if (last < durable) {
      String missing = "the manifest records the log as durable through index " + durable + "@"
          + manifest.durableTerm() + ": entries " + (last + 1) + ".." + durable + " are missing";
      problems.add(tornTail == null
          ? new CorruptLogException(file, "the log ends at index " + last + ", but " + missing)
          : new CorruptLogException(file, tornTail.offset(), "the segment ends in a damaged record ("
              + tornTail.problem() + "), which a crash leaves only after the durable entries; but " + missing));
      tornTail = null;
      return;
    }
    if (durable > start.index() && termAt(live, durable) != manifest.durableTerm()) {
      problems.add(new CorruptLogException(file, "the entry at index " + durable + " has term "
          + termAt(live, durable) + ", but the manifest records term " + manifest.durableTerm()
          + " for it: the segments do not hold the log that was made durable"));
    }
  }

  /** Format version 1, which records no extent: a torn last segment, or its interrupted creation, is repaired. */
  private void planVersion1Log(List<SegmentScanner.Scan> scans) {
    List<SegmentScanner.Scan> chain = new ArrayList<>(scans);
    for (int i = 0; i < chain.size(); i++) {
      SegmentScanner.Scan scan = chain.get(i);
      if (scan.damage() == null) {
        continue;
      }
      if (i != chain.size() - 1 || !scan.damage().tornLike()) {
        problems.add(scan.damage().toException());
        return;
      }
      if (scan.header() == null) {
        toDelete.add(scan.file());
        notes.add(scan.file().getFileName() + ": a segment whose creation was interrupted ("
            + scan.damage().problem() + "); removed on open");
        chain.remove(i);
      } else {
        noteTornTail(scan);
      }
    }
    if (checkChain(chain)) {
      selectLive(chain, false);
    }
  }

  private void noteTornTail(SegmentScanner.Scan scan) {
    tornTail = scan.damage();
    notes.add(scan.file().getFileName() + ": torn write at offset " + tornTail.offset() + " (" + tornTail.problem()
        + "); " + (scan.fileSize() - tornTail.offset()) + " bytes cut on open");
  }

  /** Whether each segment continues the one before it; adds the problem if not. */
  private boolean checkChain(List<SegmentScanner.Scan> chain) {
    for (int i = 1; i < chain.size(); i++) {
      SegmentScanner.Scan before = chain.get(i - 1);
      SegmentScanner.Scan scan = chain.get(i);
      if (scan.baseIndex() != before.lastIndex() + 1 || scan.header().previousTerm() != before.lastTerm()) {
        String gap = scan.baseIndex() > before.lastIndex() + 1
            ? ": entries " + (before.lastIndex() + 1) + ".." + (scan.baseIndex() - 1) + " are missing (a segment "
                + "file is missing, or the one before was cut short)"
            : ": a segment is missing or damaged";
        problems.add(new CorruptLogException(scan.file(), 8, "the segment starts at index " + scan.baseIndex()
            + " after term " + scan.header().previousTerm() + ", but the segment before it, "
            + before.file().getFileName() + ", ends at " + before.lastIndex() + "@" + before.lastTerm() + gap));
        return false;
      }
    }
    return true;
  }

  /**
   * Decides which segments of a contiguous chain hold the live log, from the log start: those
   * entirely below it are left by an interrupted compaction, and so, in format version 1 only,
   * are segments that do not hold the log start's entry (a compaction that discarded the whole
   * log). In format version 2 ({@code recorded}) such a compaction unrecords them first, so
   * recorded segments that miss the log start are damage. Returns false after adding a problem.
   */
  private boolean selectLive(List<SegmentScanner.Scan> chain, boolean recorded) {
    if (chain.isEmpty()) {
      return true;
    }
    SegmentScanner.Scan first = chain.get(0);
    long lastIndex = chain.get(chain.size() - 1).lastIndex();
    if (lastIndex > start.index() && first.baseIndex() > start.index() + 1) {
      problems.add(new CorruptLogException(first.file(), "the log starts after index " + start.index()
          + ", but its first segment begins at index " + first.baseIndex() + ": entries " + (start.index() + 1)
          + ".." + (first.baseIndex() - 1) + " are missing"));
      return false;
    }
    boolean connected = lastIndex >= start.index() && termAt(chain, start.index()) == start.term();
    if (recorded && !connected) {
      problems.add(new CorruptLogException(chain.get(chain.size() - 1).file(), "the segments end at index "
          + lastIndex + " and do not hold the log start " + start + " that the manifest records"));
      return false;
    }
    List<SegmentScanner.Scan> kept = new ArrayList<>();
    for (SegmentScanner.Scan scan : chain) {
      if (connected && scan.lastIndex() >= start.index()) {
        kept.add(scan);
      } else {
        toDelete.add(scan.file());
        notes.add(scan.file().getFileName() + (connected || lastIndex < start.index()
            ? ": every entry is below the log start " + start.index() + "; removed on open"
            : ": left over from a compaction to " + start + " that discarded the whole log; removed on open"));
      }
    }
    if (tornTail != null && (kept.isEmpty() || !kept.get(kept.size() - 1).file().equals(tornTail.file()))) {
      tornTail = null;
    }
    live = kept;
    return true;
  }

  private static long termAt(List<SegmentScanner.Scan> chain, long index) {
    for (SegmentScanner.Scan scan : chain) {
      if (index >= scan.baseIndex() - 1 && index <= scan.lastIndex()) {
        return scan.termAt(index);
      }
    }
    return -1;
  }
}
