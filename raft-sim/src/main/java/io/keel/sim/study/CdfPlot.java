package io.keel.sim.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the study's results as an SVG image in the style of the paper's Figure 16: for each cell,
 * the cumulative percentage of trials (y) that elected a new leader within a time (x, log scale,
 * in ms). One panel per PreVote setting, one curve per range.
 */
public final class CdfPlot {

  private static final String[] COLORS = {
      "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  private static final int PANEL_WIDTH = 560;
  private static final int PANEL_HEIGHT = 400;
  private static final int LEFT = 60;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  private final StringBuilder svg = new StringBuilder();
  private final int lowDecade;
  private final int highDecade;

  private CdfPlot(int lowDecade, int highDecade) {
    this.lowDecade = lowDecade;
    this.highDecade = highDecade;
  }

  /**
   * The SVG document for {@code results}: a panel for PreVote off, then one for PreVote on, for
   * whichever of them the results hold.
   *
   * @throws IllegalArgumentException if no trial measured a time
   */
  public static String render(List<ElectionStudy.CellResults> results) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (ElectionStudy.CellResults cell : results) {
      for (TrialResult trial : cell.trials()) {
        if (trial.measured()) {
          min = Math.min(min, Math.max(1_000, trial.timeToLeaderNanos()));
          max = Math.max(max, trial.timeToLeaderNanos());
        }
      }
    }
    if (min == Long.MAX_VALUE) {
      throw new IllegalArgumentException("no trial measured a time to plot");
    }
    int low = (int) Math.floor(Math.log10(min / 1e6));
    int high = Math.max(low + 1, (int) Math.ceil(Math.log10(max / 1e6)));
    CdfPlot plot = new CdfPlot(low, high);
    List<Boolean> settings = new ArrayList<>();
    for (boolean preVote : new boolean[] {false, true}) {
      if (results.stream().anyMatch(cell -> cell.cell().preVote() == preVote)) {
        settings.add(preVote);
      }
    }
    plot.svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
            + "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
        PANEL_WIDTH * settings.size(), PANEL_HEIGHT));
    for (int panel = 0; panel < settings.size(); panel++) {
      boolean preVote = settings.get(panel);
      plot.panel(panel * PANEL_WIDTH, preVote,
          results.stream().filter(cell -> cell.cell().preVote() == preVote).toList());
    }
    plot.svg.append("</svg>\n");
    return plot.svg.toString();
  }

  private void panel(int offset, boolean preVote, List<ElectionStudy.CellResults> cells) {
    int width = PANEL_WIDTH - LEFT - RIGHT;
    int height = PANEL_HEIGHT - TOP - BOTTOM;
    svg.append(String.format(Locale.ROOT, "<g transform=\"translate(%d,%d)\">\n", offset + LEFT, TOP));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"-15\" text-anchor=\"middle\" font-size=\"14\">"
        + "Time to a new leader, PreVote %s</text>\n", width / 2, preVote ? "on" : "off"));
    for (int decade = lowDecade; decade <= highDecade; decade++) {
      double x = x(Math.pow(10, decade), width);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n"
          + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, x, height, x, height + 16,
          String.format(Locale.ROOT, "%,d", (long) Math.pow(10, decade))));
    }
    for (int percent = 0; percent <= 100; percent += 20) {
      double y = height - percent / 100.0 * height;
      svg.append(String.format(Locale.ROOT, "<line x1=\"0\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
          + "<text x=\"-6\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>\n", y, width, y, y + 4, percent));
    }
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>\n"
        + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time without leader (ms, log scale)</text>\n"
        + "<text transform=\"translate(-45,%d) rotate(-90)\" text-anchor=\"middle\">cumulative percent</text>\n",
        width, height, width / 2, height + 38, height / 2));
    for (int i = 0; i < cells.size(); i++) {
      String color = COLORS[i % COLORS.length];
      curve(cells.get(i), color, width, height);
      svg.append(String.format(Locale.ROOT, "<line x1=\"10\" y1=\"%d\" x2=\"30\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-width=\"2\"/><text x=\"35\" y=\"%d\">%s ms</text>\n", 14 + 15 * i, 14 + 15 * i, color,
          18 + 15 * i, cells.get(i).cell().range()));
    }
    svg.append("</g>\n");
  }

  /** The cell's CDF as one polyline, one point per pixel column it crosses. */
  private void curve(ElectionStudy.CellResults cell, String color, int width, int height) {
    long[] times = cell.trials().stream().filter(TrialResult::measured).mapToLong(TrialResult::timeToLeaderNanos)
        .toArray();
    if (times.length == 0) {
      return;
    }
    long[] sorted = new Percentiles(times).sorted();
    StringBuilder points = new StringBuilder();
    int first = 0;
    while (first < sorted.length) {
      double x = x(sorted[first] / 1e6, width);
      int last = first;
      while (last + 1 < sorted.length && x(sorted[last + 1] / 1e6, width) - x < 0.5) {
        last++;
      }
      // A step: flat from the previous column, then up by the trials that fall in this pixel column.
      points.append(String.format(Locale.ROOT, "%.1f,%.1f %.1f,%.1f ", x, y(first, sorted.length, height), x,
          y(last + 1, sorted.length, height)));
      first = last + 1;
    }
    svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
        + "points=\"%s\"/>\n", color, points.toString().trim()));
  }

  private static double y(int trials, int total, int height) {
    return height - (double) trials / total * height;
  }

  private double x(double millis, int width) {
    double position = (Math.log10(millis) - lowDecade) / (highDecade - lowDecade);
    return Math.max(0, Math.min(1, position)) * width;
  }
}
