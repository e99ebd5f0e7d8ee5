package org.witrpc.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Everything the tool prints goes through here, because much of it comes from a server (service and
 * method names, results, error messages, discovery data) and a hostile server must not drive the
 * terminal: control characters (C0 but newline and tab, DEL, C1 such as the 8-bit CSI) and Unicode
 * format characters (bidirectional overrides, zero-width characters) are written as {@code \\uXXXX}
 * instead.
 *
 * <p>Thread safety: as the wrapped writer (the tool prints from one thread at a time).
 */
final class TerminalSafeWriter extends FilterWriter {
  private TerminalSafeWriter(Writer out) {
    super(out);
  }

  /** {@code out}, escaping what could drive a terminal, with auto-flush on println. */
  static PrintWriter wrap(PrintWriter out) {
    return new PrintWriter(new TerminalSafeWriter(out), true);
  }

  /** Whether {@code c} is written as an escape. */
  static boolean unsafe(char c) {
    return (Character.isISOControl(c) && c != '\n' && c != '\t')
        || Character.getType(c) == Character.FORMAT;
  }

  @Override
  public void write(int c) throws IOException {
    if (unsafe((char) c)) {
      out.write(String.format(java.util.Locale.ROOT, "\\u%04x", c));
    } else {
      out.write(c);
    }
  }

  @Override
  public void write(char[] chars, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      write(chars[i]);
    }
  }

  @Override
  public void write(String s, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      write(s.charAt(i));
    }
  }
}
