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
  private char pendingHigh; // the first half of a surrogate pair, until its second comes; or 0

  private TerminalSafeWriter(Writer out) {
    super(out);
  }

  /** {@code out}, escaping what could drive a terminal, with auto-flush on println. */
  static PrintWriter wrap(PrintWriter out) {
    return new PrintWriter(new TerminalSafeWriter(out), true);
  }

  /** Whether code point {@code c} is written as an escape. */
  static boolean unsafe(int c) {
    return (Character.isISOControl(c) && c != '\n' && c != '\t')
        || Character.getType(c) == Character.FORMAT;
  }

  /**
   * One field of what a server or a file said (a name, a type, a cell of a table), for a line of
   * the tool's own: as the writer escapes, and line breaks and tabs too, so that a name cannot
   * start a line of its own (a forged row) or widen a column. Escaped before a table measures its
   * columns.
   */
  static String field(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      int n = Character.charCount(c);
      if (c == '\n' || c == '\t' || unsafe(c) || Character.getType(c) == Character.SURROGATE) {
        for (int k = i; k < i + n; k++) {
          sb.append(escape(s.charAt(k)));
        }
      } else {
        sb.appendCodePoint(c);
      }
      i += n;
    }
    return sb.toString();
  }

  private static String escape(char c) {
    return String.format(java.util.Locale.ROOT, "\\u%04x", (int) c);
  }

  @Override
  public void write(int c) throws IOException {
    char ch = (char) c;
    if (pendingHigh != 0) {
      char high = pendingHigh;
      pendingHigh = 0;
      if (Character.isLowSurrogate(ch)) {
        // a character beyond 16 bits: its category decides (format characters such as tags)
        if (unsafe(Character.toCodePoint(high, ch))) {
          out.write(escape(high) + escape(ch));
        } else {
          out.write(high);
          out.write(ch);
        }
        return;
      }
      out.write(escape(high)); // a half without its other half
    }
    if (Character.isHighSurrogate(ch)) {
      pendingHigh = ch;
    } else if (Character.isLowSurrogate(ch) || unsafe(ch)) {
      out.write(escape(ch));
    } else {
      out.write(ch);
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

  @Override
  public void flush() throws IOException {
    if (pendingHigh != 0) {
      out.write(escape(pendingHigh));
      pendingHigh = 0;
    }
    super.flush();
  }
}
