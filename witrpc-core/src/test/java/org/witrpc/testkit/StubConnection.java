package org.witrpc.testkit;

import java.nio.ByteBuffer;
import org.witrpc.spi.Connection;

/**
 * A transport connection for unit tests that has no peer: frames sent are dropped, it is open until
 * closed. A test extends it with the behaviour it looks at ({@code readUntil}, {@code recycle}).
 *
 * <p>Thread safety: safe for concurrent use; what a subclass adds is up to it.
 */
public class StubConnection implements Connection {
  private final String description;
  private volatile boolean open = true;

  public StubConnection(String description) {
    this.description = description;
  }

  @Override
  public void send(ByteBuffer... parts) {}

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  @Override
  public String description() {
    return description;
  }
}
