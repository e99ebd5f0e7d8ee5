package org.witrpc.bench;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A PNG chart of the small-call latency percentiles (p50, p90, p99, p99.9) per target, on a log
 * scale: the first call of each target ({@code add(int, int)}, or the floors' ping-pong). Rendered
 * headless with JFreeChart.
 *
 * <p>Thread safety: stateless.
 */
final class LatencyChart {
  private static final double FLOOR_MICROS = 0.1;

  private LatencyChart() {}

  /** Writes the chart of {@code results} to {@code png}. */
  static void write(Path png, BenchResults results, String title) {
    System.setProperty("java.awt.headless", "true");
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    Set<String> charted = new LinkedHashSet<>();
    for (BenchResults.Latency row : results.latency) {
      if (!charted.add(row.target())) {
        continue;
      }
      String category = row.target() + " - " + row.operation();
      LatencySummary s = row.summary();
      data.addValue(atLeastFloor(s.p50()), "p50", category);
      data.addValue(atLeastFloor(s.p90()), "p90", category);
      data.addValue(atLeastFloor(s.p99()), "p99", category);
      data.addValue(atLeastFloor(s.p999()), "p99.9", category);
    }
    LogAxis micros = new LogAxis("round trip, microseconds (log scale)");
    micros.setSmallestValue(FLOOR_MICROS);
    micros.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten
    micros.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
    BarRenderer bars = new BarRenderer();
    bars.setBase(FLOOR_MICROS); // bars start at the axis floor, not at 0 (log 0 is undefined)
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setItemMargin(0.02);
    CategoryPlot plot = new CategoryPlot(data, new CategoryAxis(), micros, bars);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.GRAY);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    int height = 160 + 70 * Math.max(1, charted.size());
    try {
      ChartUtils.saveChartAsPNG(png.toFile(), chart, 1100, height);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }

  private static double atLeastFloor(double micros) {
    return Math.max(FLOOR_MICROS, micros);
  }
}
