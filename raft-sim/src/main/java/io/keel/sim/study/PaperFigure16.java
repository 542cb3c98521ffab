package io.keel.sim.study;

import java.util.Map;

/**
 * The Raft paper's Figure 16 (Ongaro and Ousterhout, §9.3) as numbers: median, 99th percentile
 * and maximum time to elect a new leader, in ms, per election timeout range, as computed from the
 * paper's published raw data (the ocaml-raft-data repository). The study prints them beside its own.
 */
public final class PaperFigure16 {

  /** The paper's figures for one range, in ms. */
  public record Figures(long medianMillis, long p99Millis, long maxMillis) {}

  private static final Map<String, Figures> BY_RANGE = Map.of(
      "150-150", new Figures(41_109, 255_424, 528_012),
      "150-151", new Figures(1_199, 5_982, 8_232),
      "150-155", new Figures(287, 1_224, 2_143),
      "150-175", new Figures(141, 462, 610),
      "150-200", new Figures(146, 345, 512),
      "150-300", new Figures(171, 405, 603),
      "12-24", new Figures(30, 87, 152),
      "25-50", new Figures(43, 118, 276),
      "50-100", new Figures(67, 168, 253),
      "100-200", new Figures(120, 273, 335));

  private PaperFigure16() {}

  /** The paper's figures for {@code range}, or null if the paper did not measure it. */
  public static Figures of(TimeoutRange range) {
    return BY_RANGE.get(range.toString());
  }
}
