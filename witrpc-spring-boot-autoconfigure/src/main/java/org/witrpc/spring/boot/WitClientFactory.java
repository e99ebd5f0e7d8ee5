package org.witrpc.spring.boot;

import org.witrpc.client.ReconnectPolicy;
import org.witrpc.client.RetryPolicy;
import org.witrpc.client.WitClient;
import org.witrpc.internal.Limits;

/**
 * Turns one client's {@link WitClientProperties.Client} into a {@link WitClient.Builder}, each
 * value checked by witrpc and any refusal naming its property.
 *
 * <p>Thread safety: stateless.
 */
final class WitClientFactory {
  private WitClientFactory() {}

  static String prefix(String name) {
    return "witrpc.client." + name + ".";
  }

  static WitClient.Builder configure(String name, WitClientProperties.Client p) {
    String prefix = prefix(name);
    String uri = PropertyChecks.required(prefix + "uri", p.getUri(), "every client needs one");
    WitClient.Builder b =
        WitClient.builder()
            .transport(uri)
            .serializer(p.getSerializer().create())
            .encryption(p.isEncryption());
    if (p.getAccessToken() != null) { // set but empty (${TOKEN:} without TOKEN) fails, naming it
      PropertyChecks.apply(prefix + "access-token", () -> b.accessToken(p.getAccessToken()));
    }
    PropertyChecks.apply(prefix + "timeout", () -> b.timeout(p.getTimeout()));
    int frame = PropertyChecks.bytes(prefix + "max-frame-size", p.getMaxFrameSize());
    PropertyChecks.apply(prefix + "max-frame-size", () -> b.maxFrameSize(frame));
    PropertyChecks.apply(prefix + "send-timeout", () -> b.sendTimeout(p.getSendTimeout()));
    PropertyChecks.apply(
        prefix + "connect-timeout", () -> Limits.positive("connectTimeout", p.getConnectTimeout()));
    WitClientProperties.Reconnect reconnect = p.getReconnect();
    if (reconnect.isEnabled()) {
      ReconnectPolicy policy =
          PropertyChecks.apply(
              prefix + "reconnect",
              () ->
                  ReconnectPolicy.exponential(reconnect.getInitialDelay(), reconnect.getMaxDelay())
                      .maxAttempts(reconnect.getMaxAttempts())
                      .connectTimeout(p.getConnectTimeout()));
      b.autoReconnect(policy);
    }
    WitClientProperties.Retry retry = p.getRetry();
    if (retry.isEnabled()) {
      RetryPolicy policy =
          PropertyChecks.apply(
              prefix + "retry",
              () ->
                  RetryPolicy.exponential(retry.getInitialDelay(), retry.getMaxDelay())
                      .maxRetries(retry.getMaxRetries()));
      b.retryPolicy(policy);
    }
    return b;
  }

  /** Builds; the transport is resolved here, so a bad URI or a missing artifact names the URI. */
  static WitClient build(String name, WitClient.Builder builder) {
    return PropertyChecks.apply(prefix(name) + "uri", builder::build);
  }
}
