package org.witrpc.internal;

import java.util.Locale;

/**
 * Finds and replaces lone surrogates: UTF-16 code units of a surrogate pair without their other
 * half. UTF-8 has no encoding for them, so text that holds one cannot cross a UTF-8 format (a
 * MessagePack string, a metadata value) unchanged.
 *
 * <p>Thread safety: stateless.
 */
public final class LoneSurrogates {
  /** What stands in for a lone surrogate in {@link #replaced}. */
  public static final char REPLACEMENT = '\uFFFD';

  private LoneSurrogates() {}

  /** The index of the first lone surrogate in {@code text}, or -1 if it has none. */
  public static int indexIn(CharSequence text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < length
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++; // a pair: one code point
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * The index, counted from {@code offset}, of the first lone surrogate in {@code length} chars of
   * {@code text} from {@code offset}, or -1 if they have none.
   */
  public static int indexIn(char[] text, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      char c = text[i];
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
          i++; // a pair: one code point
        } else {
          return i - offset;
        }
      }
    }
    return -1;
  }

  /** {@code text} with every lone surrogate replaced by {@link #REPLACEMENT}; null for null. */
  public static String replaced(String text) {
    if (text == null || indexIn(text) < 0) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        b.append(c).append(text.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? REPLACEMENT : c);
      }
    }
    return b.toString();
  }

  /**
   * Describes the lone surrogate at {@code index} of {@code text}, for an error message: "a lone
   * surrogate (U+D800) at index 3".
   */
  public static String describe(CharSequence text, int index) {
    return String.format(
        Locale.ROOT, "a lone surrogate (U+%04X) at index %d", (int) text.charAt(index), index);
  }
}
