package org.witrpc.transport.mmf;

import org.witrpc.WitTransportException;

/**
 * A fault in a page of a connection's shared mapping. The JVM reports a SIGBUS on a mapped page as
 * an {@link InternalError} on the thread that touched it; it happens when the file behind the
 * mapping was truncated (a hostile or broken peer of the same user can do that through the file
 * while it still has it open) or when a page is first touched on a full file system (a tmpfs such
 * as {@code /dev/shm}). The mapping is then unusable for good: the connection fails with a {@link
 * WitTransportException}, never the {@code InternalError} reaching a caller or killing a thread.
 *
 * <p>Thread safety: stateless.
 */
final class MappingFault {
  private MappingFault() {}

  /** The transport failure that replaces {@code fault} for the connection {@code description}. */
  static WitTransportException of(String description, InternalError fault) {
    return new WitTransportException(
        description
            + ": its shared memory faulted (the peer truncated the mapping's file, or the file"
            + " system is full): "
            + fault.getMessage(),
        fault);
  }
}
