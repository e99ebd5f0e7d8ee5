package org.witrpc.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import org.witrpc.server.CallContext;
import org.witrpc.server.ServerInterceptor;

/**
 * A {@link ServerInterceptor} that records each call in a {@link MeterRegistry}: the timer {@code
 * witrpc.server.calls} (tags {@code service}, {@code method}, {@code outcome}), the counters {@code
 * witrpc.server.calls.started} and {@code witrpc.server.calls.finished}, and the gauge {@code
 * witrpc.server.calls.active}, with the tags given to the constructor; names and tags are in the
 * {@linkplain org.witrpc.micrometer package description}.
 *
 * <p>A call is timed from the moment its arguments are decoded to the method's return or throw: for
 * an asynchronous method, the completion of its stage. Calls refused before they reach the
 * interceptors (a busy server, an unknown method, a call cancelled before it started) are not
 * recorded.
 *
 * <p>Thread safety: safe for concurrent use; one instance may serve several servers, whose calls it
 * then records together.
 */
public final class MicrometerServerInterceptor implements ServerInterceptor {
  private final CallMeters meters;

  /** An interceptor that records into {@code registry}. */
  public MicrometerServerInterceptor(MeterRegistry registry) {
    this(registry, Tags.empty());
  }

  /**
   * An interceptor that records into {@code registry}, with {@code tags} added to each meter. Give
   * each server that shares a registry its own tags (for example {@code Tags.of("server",
   * "calc")}): meters with the same name and tags are one meter, and the gauge {@code
   * witrpc.server.calls.active} would report only one server's calls.
   */
  public MicrometerServerInterceptor(MeterRegistry registry, Iterable<Tag> tags) {
    this.meters = new CallMeters(registry, "witrpc.server", "served", tags);
  }

  @Override
  public Object intercept(Chain chain) throws Exception {
    CallMeters.MethodMeters m = meters.of(chain.method());
    CallContext call = chain.context();
    long start = m.started();
    Object result;
    try {
      result = chain.proceed();
    } catch (Exception | Error e) {
      m.finished(start, Outcomes.ofServerCall(e, call));
      throw e;
    }
    return m.finishedWith(
        start, chain.method().async(), result, failure -> Outcomes.ofServerCall(failure, call));
  }
}
