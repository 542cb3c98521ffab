package io.keel.raft.storage.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a log directory, sorted into those the store knows (segments, manifest, lock, the
 * files of format version 1) and leftovers of an interrupted replacement ({@code *.tmp}). Anything
 * else is a problem: a file whose name looks like a segment's but is not valid, a file the store
 * never writes, something that is not a regular file. The store refuses to guess what such a file
 * is, since it may be a piece of the log put in the wrong place.
 */
final class DirectoryListing {

  /** A segment file and the base index its name gives. */
  record SegmentFile(Path file, long baseIndex) {}

  private final List<SegmentFile> segments = new ArrayList<>();
  private final List<Path> tempFiles = new ArrayList<>();
  private final List<String> known = new ArrayList<>();
  private final List<CorruptLogException> problems = new ArrayList<>();

  private DirectoryListing() {}

  /** Lists {@code dir}, which must exist and be a directory. */
  static DirectoryListing read(Path dir) throws IOException {
    DirectoryListing listing = new DirectoryListing();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        listing.classify(file);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    listing.segments.sort(Comparator.comparingLong(SegmentFile::baseIndex));
    return listing;
  }

  private void classify(Path file) {
    String name = file.getFileName().toString();
    boolean regular = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    if (!regular) {
      problems.add(new CorruptLogException(file, "not a regular file (" + kindOf(file)
          + "); a log directory holds only the store's own files"));
    } else if (name.endsWith(MetaFiles.TEMP_SUFFIX)) {
      tempFiles.add(file);
    } else if (name.equals(Manifest.FILE_NAME) || name.equals(DirectoryLock.FILE_NAME)
        || name.equals(MetaFiles.HARD_STATE) || name.equals(MetaFiles.LOG_START)) {
      known.add(name);
    } else if (SegmentFormat.baseIndexOf(name) > 0) {
      segments.add(new SegmentFile(file, SegmentFormat.baseIndexOf(name)));
    } else if (SegmentFormat.looksLikeSegment(name)) {
      problems.add(new CorruptLogException(file, SegmentFormat.nameProblem(name)));
    } else {
      problems.add(new CorruptLogException(file, "an unknown file in the log directory; the store writes no such "
          + "file and will not guess what it holds (move it out of the directory if it does not belong there)"));
    }
  }

  private static String kindOf(Path file) {
    if (Files.isSymbolicLink(file)) {
      return "a symbolic link";
    }
    return Files.isDirectory(file) ? "a directory" : "a special file";
  }

  /** The valid segment files, by base index. */
  List<SegmentFile> segments() {
    return segments;
  }

  /** Leftovers of an interrupted atomic replacement. */
  List<Path> tempFiles() {
    return tempFiles;
  }

  /** Whether the directory holds the regular file {@code name} of the store's own. */
  boolean has(String name) {
    return known.contains(name);
  }

  /** Files that do not belong in a log directory, or whose names are not valid. */
  List<CorruptLogException> problems() {
    return problems;
  }
}
