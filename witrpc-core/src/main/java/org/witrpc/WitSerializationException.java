package org.witrpc;

/**
 * A value could not be encoded or decoded by the chosen serializer.
 *
 * <p>Thread safety: immutable once constructed.
 */
public class WitSerializationException extends WitException {
  private static final long serialVersionUID = 1L;

  public WitSerializationException(String message) {
    super(message);
  }

  public WitSerializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
