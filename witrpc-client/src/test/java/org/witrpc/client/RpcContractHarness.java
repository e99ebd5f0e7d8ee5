package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.witrpc.Serializers;
import org.witrpc.server.WitServer;
import org.witrpc.spi.Serializer;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * Set-up and helpers of the RPC contract suites ({@link AbstractRpcContractTest} and the others
 * built on it): a server with {@link TestServiceImpl} and a connected client per test. Their tests
 * are {@link ContractTest}s, run once per {@link Variant} (serializer, in clear and encrypted);
 * everything is closed after each test.
 */
public abstract class RpcContractHarness {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration AWAIT = Duration.ofSeconds(10);

  /** The serializer of a run, and whether it encrypts; named in the run's display name. */
  public enum Variant {
    JSON(false),
    MSGPACK(false),
    JSON_ENCRYPTED(true),
    MSGPACK_ENCRYPTED(true);

    private final boolean encryption;

    Variant(boolean encryption) {
      this.encryption = encryption;
    }

    boolean json() {
      return name().startsWith("JSON");
    }

    @Override
    public String toString() {
      return (json() ? "json" : "msgpack") + (encryption ? ", encrypted" : ", plain");
    }
  }

  /** This run's variant (set before the {@code @BeforeEach} methods run). */
  protected Variant variant;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  protected String name;
  protected TestServiceImpl impl;
  protected WitServer server;
  protected WitClient client;
  protected TestService service;

  /** The URI of a server named {@code name} on the transport under test. */
  protected abstract String transportUri(String name);

  protected Serializer serializer() {
    return variant.json() ? Serializers.json() : Serializers.messagePack();
  }

  /** A serializer other than {@link #serializer()}. */
  protected Serializer otherSerializer() {
    return variant.json() ? Serializers.messagePack() : Serializers.json();
  }

  /** Whether this variant encrypts (servers and clients are built with it unless overridden). */
  protected boolean encryption() {
    return variant.encryption;
  }

  @BeforeEach
  void startServerAndClient() {
    name = "c" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
    impl = new TestServiceImpl();
    server = startServer(b -> {});
    client = connect(b -> {});
    service = client.service(TestService.class);
  }

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(closeables);
    for (AutoCloseable c : closeables) {
      c.close();
    }
    closeables.clear();
  }

  /** A started server on {@link #name} with the shared implementation, configured further. */
  protected WitServer startServer(Consumer<WitServer.Builder> config) {
    WitServer.Builder b =
        WitServer.builder()
            .service(TestService.class, impl)
            .transport(transportUri(name))
            .serializer(serializer())
            .encryption(encryption());
    configure(b);
    config.accept(b);
    WitServer s = b.build();
    closeables.add(s);
    return s.start();
  }

  /** An unconnected client of {@link #name}, configured further. */
  protected WitClient client(Consumer<WitClient.Builder> config) {
    WitClient.Builder b =
        WitClient.builder()
            .transport(transportUri(name))
            .serializer(serializer())
            .encryption(encryption());
    configure(b);
    config.accept(b);
    WitClient c = b.build();
    closeables.add(c);
    return c;
  }

  /** What a suite adds to every server it starts (before the test's own configuration). */
  protected void configure(WitServer.Builder b) {}

  /** What a suite adds to every client it builds (before the test's own configuration). */
  protected void configure(WitClient.Builder b) {}

  /** A connected client of {@link #name}, configured further. */
  protected WitClient connect(Consumer<WitClient.Builder> config) {
    return client(config).connect(Duration.ofSeconds(5));
  }

  /** Polls {@code condition} until it holds, failing after a bound. */
  protected static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  /** Polls until {@code supplier} returns a value equal to {@code expected}. */
  protected static <T> void awaitEquals(String what, Supplier<T> supplier, T expected) {
    await(what + " == " + expected, () -> expected.equals(supplier.get()));
  }

  /** The cause of a failed future. */
  protected static Throwable failureOf(CompletableFuture<?> future) {
    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    try {
      future.get(0, TimeUnit.SECONDS);
      throw new AssertionError("not failed");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Values for the round-trip tests. */
  protected static OffsetDateTime someTime() {
    return OffsetDateTime.of(2024, 5, 17, 13, 45, 30, 123_456_789, ZoneOffset.ofHours(2));
  }

  /** Names of live threads that start with witrpc-. */
  protected static List<String> witrpcThreads() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("witrpc-")) {
        names.add(t.getName());
      }
    }
    return names;
  }
}
