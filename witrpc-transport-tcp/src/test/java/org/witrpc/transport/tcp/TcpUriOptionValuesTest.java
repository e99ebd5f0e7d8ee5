package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.witrpc.Transports;

/**
 * Every option value of a {@code tcp://} URI is checked on both sides, as {@code maxClients} is,
 * also where that side ignores the option (one URI may serve both sides): a malformed {@code
 * insecure}, {@code tls}, {@code hostnameVerification}, {@code clientAuth} or {@code maxHandshakes}
 * is refused, naming the option and the value, never silently ignored.
 */
class TcpUriOptionValuesTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "server | maxClients=x | maxClients must be a whole number, not 'x'",
        "client | maxClients=x | maxClients must be a whole number, not 'x'",
        "server | insecure=yes | insecure must be true or false, not 'yes'",
        "client | insecure=yes | insecure must be true or false, not 'yes'",
        "server | tls=yes | tls must be true or false, not 'yes'",
        "client | tls=yes | tls must be true or false, not 'yes'",
        "server | hostnameVerification=yes | hostnameVerification must be true or false, not 'yes'",
        "client | hostnameVerification=yes | hostnameVerification must be true or false, not 'yes'",
        "server | clientAuth=maybe | clientAuth must be require or none, not 'maybe'",
        "client | clientAuth=maybe | clientAuth must be require or none, not 'maybe'",
        "server | maxHandshakes=x | maxHandshakes must be a whole number, not 'x'",
        "client | maxHandshakes=x | maxHandshakes must be a whole number, not 'x'",
        "server | maxHandshakes=0 | maxHandshakes must be at least 1, not 0",
        "client | maxHandshakes=0 | maxHandshakes must be at least 1, not 0",
      })
  void aMalformedValueIsRefusedOnBothSides(String side, String option, String message) {
    String uri = "tcp://127.0.0.1:7000?" + option;
    assertThatThrownBy(
            () -> {
              if (side.equals("server")) {
                Transports.server(uri).close();
              } else {
                Transports.client(uri);
              }
            })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid tcp transport URI '" + uri + "'")
        .hasMessageContaining(message);
  }
}
