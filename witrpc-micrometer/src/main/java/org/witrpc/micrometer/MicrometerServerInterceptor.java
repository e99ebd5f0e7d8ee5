package org.witrpc.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.witrpc.server.ServerInterceptor;

/**
 * A {@link ServerInterceptor} that records each call in a {@link MeterRegistry}: the timer {@code
 * witrpc.server.calls} (tags {@code service}, {@code method}, {@code outcome}), the counters {@code
 * witrpc.server.calls.started} and {@code witrpc.server.calls.finished}, and the gauge {@code
 * witrpc.server.calls.active}; names and tags are in the {@linkplain org.witrpc.micrometer package
 * description}.
 *
 * <p>A call is timed from the moment its arguments are decoded to the method's return or throw: for
 * an asynchronous method, the completion of its stage. Calls refused before they reach the
 * interceptors (a busy server, an unknown method, a call cancelled before it started) are not
 * recorded.
 *
 * <p>Thread safety: safe for concurrent use; one instance may serve several servers.
 */
public final class MicrometerServerInterceptor implements ServerInterceptor {
  private final CallMeters meters;

  /** An interceptor that records into {@code registry}. */
  public MicrometerServerInterceptor(MeterRegistry registry) {
    this.meters =
        new CallMeters(
            Objects.requireNonNull(registry, "registry == null"), "witrpc.server", "served");
  }

  @Override
  public Object intercept(Chain chain) throws Exception {
    CallMeters.MethodMeters m = meters.of(chain.method());
    long start = m.started();
    Object result;
    try {
      result = chain.proceed();
    } catch (Exception | Error e) {
      m.finished(start, e);
      throw e;
    }
    return m.finishedWith(start, chain.method().async(), result);
  }
}
