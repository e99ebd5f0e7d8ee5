package org.witrpc.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.witrpc.RpcMethod;

/**
 * The call meters of one side ({@code witrpc.client} or {@code witrpc.server}) in one registry,
 * looked up once per method: a call costs two map lookups, an increment and a timer record.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class CallMeters {
  /**
   * The most service and method pairs that dynamic calls (which can name anything) give meters of
   * their own; calls of more share the meters tagged service and method {@value #OTHER}, so that
   * names a caller chooses cannot fill the registry. The methods of service interfaces (a typed
   * proxy's, a server's) always have their own: the application's code bounds them.
   */
  static final int MAX_METHODS = 1_000;

  /** The service and method tag of the calls beyond {@link #MAX_METHODS}. */
  static final String OTHER = "_other";

  /** Interface methods looked up by identity; bounded all the same (proxies of many classes). */
  private static final int MAX_CACHED = 4 * MAX_METHODS;

  private final MeterRegistry registry;
  private final String prefix;
  private final String side;
  private final Tags extraTags;
  private final Map<RpcMethod, MethodMeters> byMethod = new ConcurrentHashMap<>();

  /** Overloads share their meters (same tags): one gauge state per service and method name. */
  private final Map<String, MethodMeters> byName = new ConcurrentHashMap<>();

  /** Meters named {@code prefix.*} in {@code registry}, each with {@code extraTags} added. */
  CallMeters(MeterRegistry registry, String prefix, String side, Iterable<Tag> extraTags) {
    this.registry = Objects.requireNonNull(registry, "registry == null");
    this.prefix = prefix;
    this.side = side;
    this.extraTags = Tags.of(Objects.requireNonNull(extraTags, "tags == null"));
  }

  private volatile MethodMeters other;

  /** The meters of {@code method}. */
  MethodMeters of(RpcMethod method) {
    MethodMeters cached = byMethod.get(method);
    if (cached != null) {
      return cached;
    }
    // a dynamic call brings a new description each time: caching it by identity would not help
    boolean typed = method.javaMethod() != null;
    MethodMeters meters = byName(method.serviceName(), method.methodName(), typed);
    if (typed && byMethod.size() < MAX_CACHED) {
      byMethod.putIfAbsent(method, meters);
    }
    return meters;
  }

  private MethodMeters byName(String service, String method, boolean typed) {
    String name = service + '/' + method;
    MethodMeters known = byName.get(name);
    if (known != null) {
      return known;
    }
    if (!typed && byName.size() >= MAX_METHODS) {
      return other();
    }
    return byName.computeIfAbsent(name, n -> new MethodMeters(service, method));
  }

  private MethodMeters other() {
    MethodMeters shared = other;
    if (shared == null) {
      synchronized (this) {
        shared = other;
        if (shared == null) {
          shared = new MethodMeters(OTHER, OTHER);
          other = shared;
        }
      }
    }
    return shared;
  }

  /** The clock's monotonic time, to pass to {@link MethodMeters#finished}. */
  long now() {
    return registry.config().clock().monotonicTime();
  }

  /** One service method's meters. */
  final class MethodMeters {
    private final Tags tags;
    private final Counter started;
    private final AtomicInteger active = new AtomicInteger();
    private final Map<String, Finished> byOutcome = new ConcurrentHashMap<>();

    MethodMeters(String service, String method) {
      this.tags = extraTags.and("service", service, "method", method);
      this.started =
          Counter.builder(prefix + ".calls.started")
              .description("witrpc calls " + side + " started")
              .tags(tags)
              .register(registry);
      Gauge.builder(prefix + ".calls.active", active, AtomicInteger::get)
          .description("witrpc calls " + side + " started and not finished")
          .tags(tags)
          .register(registry);
    }

    /** Counts a call that starts now; returns its start time. */
    long started() {
      started.increment();
      active.incrementAndGet();
      return now();
    }

    /** Records the call started at {@code startNanos} that ended with {@code outcome}. */
    void finished(long startNanos, String outcome) {
      long nanos = now() - startNanos;
      Finished f = byOutcome.computeIfAbsent(outcome, this::finishedMeters);
      f.timer.record(nanos, TimeUnit.NANOSECONDS);
      f.counter.increment();
      // last: a reader who sees the call no longer active finds it counted
      active.decrementAndGet();
    }

    /**
     * Records the call started at {@code startNanos} whose chain returned {@code result}: now, or
     * for an asynchronous method when its stage completes, with {@code outcomeOf} its failure (null
     * if it succeeded).
     *
     * @return {@code result}, or for an asynchronous method the stage that completes after the call
     *     is recorded
     */
    Object finishedWith(
        long startNanos, boolean async, Object result, Function<Throwable, String> outcomeOf) {
      if (async && result instanceof CompletionStage<?> stage) {
        return stage.whenComplete(
            (value, failure) -> finished(startNanos, outcomeOf.apply(failure)));
      }
      finished(startNanos, Outcomes.OK);
      return result;
    }

    private Finished finishedMeters(String outcome) {
      Tags withOutcome = tags.and("outcome", outcome);
      return new Finished(
          Timer.builder(prefix + ".calls")
              .description("Duration of witrpc calls " + side + ", until their outcome")
              .tags(withOutcome)
              .register(registry),
          Counter.builder(prefix + ".calls.finished")
              .description("witrpc calls " + side + " finished")
              .tags(withOutcome)
              .register(registry));
    }
  }

  private record Finished(Timer timer, Counter counter) {}
}
