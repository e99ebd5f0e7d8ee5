package org.witrpc.client;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.witrpc.server.CallContext;

/** Records how each blocking call ended: "interrupted, cancelled=true" or "not interrupted". */
public class ContextServiceImpl implements ContextService {
  /** How each {@link #block} call ended, by id. */
  public final Map<String, String> endings = new ConcurrentHashMap<>();

  /** Ids of blocking calls that have started. */
  public final Map<String, Boolean> started = new ConcurrentHashMap<>();

  @Override
  public String metadata(String key) {
    return CallContext.current().metadata().get(key);
  }

  @Override
  public int binaryLength(String key) {
    byte[] b = CallContext.current().metadata().getBinary(key);
    return b == null ? -1 : b.length;
  }

  @Override
  public long deadlineMillisLeft() {
    return CallContext.current()
        .deadline()
        .map(d -> d.toEpochMilli() - Instant.now().toEpochMilli())
        .orElse(-1L);
  }

  @Override
  public String peerTransport() {
    return CallContext.current().peer().transport();
  }

  @Override
  public String peerAddress() {
    return CallContext.current()
        .peer()
        .address()
        .map(
            a -> {
              InetSocketAddress inet = (InetSocketAddress) a;
              return (inet.getAddress().isLoopbackAddress() ? "loopback:" : "other:")
                  + inet.getPort();
            })
        .orElse("");
  }

  @Override
  public String block(String id) {
    CallContext context = CallContext.current();
    started.put(id, true);
    try {
      // waits for an interrupt, not for a condition: a latch nobody counts down
      new CountDownLatch(1).await(30, TimeUnit.SECONDS);
      endings.put(id, "not interrupted");
    } catch (InterruptedException e) {
      endings.put(id, "interrupted, cancelled=" + context.isCancelled());
    }
    return id;
  }

  @Override
  public CompletableFuture<String> blockAsync(String id) {
    return CompletableFuture.completedFuture(block(id));
  }
}
