package org.witrpc.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import org.witrpc.ServerPing;
import org.witrpc.client.ClientInterceptor;

/**
 * A {@link ClientInterceptor} that records each call in a {@link MeterRegistry}: the timer {@code
 * witrpc.client.calls} (tags {@code service}, {@code method}, {@code outcome}), the counters {@code
 * witrpc.client.calls.started} and {@code witrpc.client.calls.finished}, and the gauge {@code
 * witrpc.client.calls.active}, with the tags given to the constructor; names and tags are in the
 * {@linkplain org.witrpc.micrometer package description}.
 *
 * <p>A call is timed from the proxy call to its outcome: for an asynchronous method, the completion
 * of its future (which this interceptor returns unchanged). Install it first ({@code
 * WitClient.Builder.interceptor}) to time what the other interceptors add as well.
 *
 * <p>Thread safety: safe for concurrent use; one instance may serve several clients, whose calls it
 * then records together.
 */
public final class MicrometerClientInterceptor implements ClientInterceptor {
  private final CallMeters meters;

  /** An interceptor that records into {@code registry}. */
  public MicrometerClientInterceptor(MeterRegistry registry) {
    this(registry, Tags.empty());
  }

  /**
   * An interceptor that records into {@code registry}, with {@code tags} added to each meter. Give
   * each client that shares a registry its own tags (for example {@code Tags.of("client",
   * "calc")}): meters with the same name and tags are one meter, and the gauge {@code
   * witrpc.client.calls.active} would report only one client's calls.
   */
  public MicrometerClientInterceptor(MeterRegistry registry, Iterable<Tag> tags) {
    this.meters = new CallMeters(registry, "witrpc.client", "made", tags);
  }

  @Override
  public Object intercept(Chain chain) {
    if (chain.method().serviceName().equals(ServerPing.class.getName())) {
      return chain.proceed(); // a health check's ping: the server meters it neither
    }
    CallMeters.MethodMeters m = meters.of(chain.method());
    long start = m.started();
    Object result;
    try {
      result = chain.proceed();
    } catch (RuntimeException | Error e) {
      m.finished(start, Outcomes.of(e));
      throw e;
    }
    // the caller gets the call's own future: cancelling it cancels the call
    m.finishedWith(start, chain.method().async(), result, Outcomes::of);
    return result;
  }
}
