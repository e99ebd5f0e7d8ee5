package org.witrpc.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

/**
 * The client's upgrade request names the server's host and port in {@code Host} and its path as the
 * target, for every host a URI may carry: names with an underscore too, for which {@link
 * java.net.URI} has no host, and IPv6 addresses in brackets.
 */
class WsClientHandshakerTest {

  private static FullHttpRequest request(String host, int port, String path) {
    FullHttpRequest request =
        new WsClientHandshaker(WsEndpoint.of(false, host, port, path), 1 << 20)
            .newHandshakeRequest();
    request.release();
    return request;
  }

  @Test
  void aHostNameWithAnUnderscoreIsTheHostHeader() {
    FullHttpRequest request = request("my_host", 7000, "/calc");
    assertThat(request.headers().get(HttpHeaderNames.HOST)).isEqualTo("my_host:7000");
    assertThat(request.uri()).isEqualTo("/calc");
    assertThat(request.headers().contains(HttpHeaderNames.ORIGIN)).isFalse();
  }

  @Test
  void anIpv6AddressIsInBracketsAndAnEncodedPathStaysEncoded() {
    FullHttpRequest request = request("::1", 7000, "/my%20calc");
    assertThat(request.headers().get(HttpHeaderNames.HOST)).isEqualTo("[::1]:7000");
    assertThat(request.uri()).isEqualTo("/my%20calc");
  }
}
