package org.witrpc.bench;

import java.io.PrintStream;

/**
 * A one-line text progress bar, {@code [##### ] 50%}, redrawn in place with a carriage return.
 *
 * <p>Thread safety: not thread-safe; drive it from one thread (the client's callback thread).
 */
final class ProgressBar {
  private final PrintStream out;
  private final int width;

  ProgressBar(PrintStream out, int width) {
    this.out = out;
    this.width = width;
  }

  /** The bar for {@code percent} (clamped to 0..100), without the carriage return. */
  String render(int percent) {
    int p = Math.max(0, Math.min(100, percent));
    int filled = p * width / 100;
    return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + String.format("%3d%%", p);
  }

  /** Redraws the bar in place. */
  void show(int percent) {
    out.print("\r" + render(percent));
    out.flush();
  }
}
