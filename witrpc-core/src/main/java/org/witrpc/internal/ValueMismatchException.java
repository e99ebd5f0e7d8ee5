package org.witrpc.internal;

import org.witrpc.WitSerializationException;

/**
 * A value of a body does not fit the declared type at its position: thrown by {@link
 * JacksonSerializer}, so that the server's 400 can name the parameter (and its name, where the
 * interface was compiled with {@code -parameters}).
 *
 * <p>Thread safety: immutable once constructed.
 */
public final class ValueMismatchException extends WitSerializationException {
  private static final long serialVersionUID = 1L;

  /** The position of the value (and of its parameter). */
  private final int index;

  ValueMismatchException(String message, int index, Throwable cause) {
    super(message, cause);
    this.index = index;
  }

  /** The position of the value that does not fit, from 0. */
  public int index() {
    return index;
  }
}
