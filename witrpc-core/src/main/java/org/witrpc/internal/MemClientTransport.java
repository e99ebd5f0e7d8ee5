package org.witrpc.internal;

import java.time.Duration;
import java.util.Objects;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;

/**
 * The client side of {@code mem://NAME}; see {@link org.witrpc.MemTransport}. Holds no resources:
 * each {@link #connect} pairs a new connection with the server started for the name.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
public final class MemClientTransport implements ClientTransport {
  private final String name;
  private final int maxFrameSize;

  /** A client of {@code name} (already checked) that accepts frames up to {@code maxFrameSize}. */
  public MemClientTransport(String name, int maxFrameSize) {
    this.name = Objects.requireNonNull(name, "name == null");
    this.maxFrameSize = maxFrameSize;
  }

  @Override
  public Connection connect(FrameListener listener, Duration timeout) {
    Objects.requireNonNull(listener, "listener == null");
    return MemServerTransport.connect(name, listener, maxFrameSize);
  }

  @Override
  public String address() {
    return "mem://" + name;
  }
}
