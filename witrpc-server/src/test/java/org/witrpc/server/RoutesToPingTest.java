package org.witrpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.witrpc.ServerPing;
import org.witrpc.internal.CallDeadline;
import org.witrpc.internal.Route;

/** The reader's in-place test for a ping's route, which decides where an EXECUTOR request runs. */
class RoutesToPingTest {

  @Test
  void findsThePingsRouteAfterTheDeadlineAndNothingElse() {
    assertThat(RequestDispatcher.routesToPing(body(3, ServerPing.class.getName(), "ping()", 5)))
        .isTrue();
    assertThat(RequestDispatcher.routesToPing(body(0, ServerPing.class.getName(), "ping()", 0)))
        .as("nothing after the route")
        .isTrue();
    assertThat(RequestDispatcher.routesToPing(body(3, ServerPing.class.getName(), "pong()", 5)))
        .isFalse();
    assertThat(RequestDispatcher.routesToPing(body(3, "com.example.Calculator", "ping()", 5)))
        .isFalse();
    ByteBuffer cut = body(3, ServerPing.class.getName(), "ping()", 0);
    cut.limit(cut.limit() - 1);
    assertThat(RequestDispatcher.routesToPing(cut)).as("cut short").isFalse();
    assertThat(RequestDispatcher.routesToPing(ByteBuffer.allocate(2))).isFalse();
  }

  /** A body at position {@code offset}: a deadline, the route, {@code trailing} bytes. */
  private static ByteBuffer body(int offset, String service, String method, int trailing) {
    byte[] route = new Route(service, method).toBytes();
    ByteBuffer b = ByteBuffer.allocate(offset + CallDeadline.SIZE + route.length + trailing);
    b.position(offset + CallDeadline.SIZE);
    b.put(route);
    b.position(offset);
    return b;
  }
}
