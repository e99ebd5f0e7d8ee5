package org.witrpc.spring.boot;

import org.witrpc.server.WitServer;

/**
 * Turns {@link WitServerProperties} into a {@link WitServer.Builder}, each value checked by witrpc
 * and any refusal naming its property.
 *
 * <p>Thread safety: stateless.
 */
final class WitServerFactory {
  private static final String PREFIX = "witrpc.server.";

  private WitServerFactory() {}

  static WitServer.Builder configure(WitServerProperties p) {
    String uri =
        PropertyChecks.required(
            PREFIX + "uri", p.getUri(), "a @WitService bean asks for a server (mmf://NAME, ...)");
    WitServer.Builder b =
        WitServer.builder()
            .transport(uri)
            .serializer(p.getSerializer().create())
            .encryption(p.isEncryption())
            .dispatch(p.getDispatch())
            .sendStackTraces(p.isSendStackTraces());
    if (p.getAccessToken() != null) { // set but empty (${TOKEN:} without TOKEN) fails, naming it
      PropertyChecks.apply(PREFIX + "access-token", () -> b.accessToken(p.getAccessToken()));
    }
    PropertyChecks.apply(PREFIX + "max-clients", () -> b.maxClients(p.getMaxClients()));
    int frame = PropertyChecks.bytes(PREFIX + "max-frame-size", p.getMaxFrameSize());
    PropertyChecks.apply(PREFIX + "max-frame-size", () -> b.maxFrameSize(frame));
    PropertyChecks.apply(PREFIX + "send-timeout", () -> b.sendTimeout(p.getSendTimeout()));
    PropertyChecks.apply(
        PREFIX + "handshake-timeout", () -> b.handshakeTimeout(p.getHandshakeTimeout()));
    return b;
  }

  /** Builds; the transport is resolved here, so a bad URI or a missing artifact names the URI. */
  static WitServer build(WitServerProperties p, WitServer.Builder builder) {
    try {
      return PropertyChecks.apply(PREFIX + "uri", builder::build);
    } catch (IllegalStateException e) {
      throw new InvalidWitPropertyException(
          PREFIX + "uri",
          "no bean is annotated @WitService, so the server at "
              + RedactedUri.of(p.getUri())
              + " would serve nothing",
          e);
    }
  }
}
