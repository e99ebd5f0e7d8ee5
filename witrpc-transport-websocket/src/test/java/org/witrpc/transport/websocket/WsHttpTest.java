package org.witrpc.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.spi.Connection;
import org.witrpc.testkit.RecordingListener;

/**
 * What a WebSocket endpoint says to plain HTTP: a GET to the path without an upgrade gets 426, any
 * other path 404, another method 405, each with a short text and the connection closed (the reads
 * to the end of stream return), never a hang; the server goes on upgrading real clients.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WsHttpTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private WebSocketServerTransport server;

  @BeforeEach
  void start() {
    server = WebSocketTransport.server("127.0.0.1", 0, "/calc").build();
    server.start(connection -> new RecordingListener(connection::send));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A plain HTTP GET on a raw socket: the response head, and the body up to the close. */
  private record Response(String head, String body) {}

  private Response get(String path) throws Exception {
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      raw.sendHttp("GET " + path + " HTTP/1.1", "Host: 127.0.0.1");
      return new Response(raw.readHead(), raw.readToEnd());
    }
  }

  private void assertStillServes() throws Exception {
    RecordingListener listener = new RecordingListener();
    Connection connection =
        WebSocketTransport.client("127.0.0.1", server.port(), "/calc")
            .build()
            .connect(listener, AWAIT);
    try {
      connection.send(ByteBuffer.wrap(new byte[] {9}));
      assertThat(listener.nextFrame(AWAIT).get(0)).isEqualTo((byte) 9);
    } finally {
      connection.close();
    }
  }

  @Test
  void aPlainGetToThePathGets426UpgradeRequired() throws Exception {
    Response response = get("/calc");
    assertThat(response.head()).startsWith("HTTP/1.1 426").contains("upgrade: websocket");
    assertThat(response.body()).contains("witrpc WebSocket endpoint");
    assertStillServes();
  }

  @Test
  void anotherPathGets404() throws Exception {
    Response response = get("/elsewhere");
    assertThat(response.head()).startsWith("HTTP/1.1 404");
    assertThat(response.body()).contains("no witrpc endpoint at this path");
    assertStillServes();
  }

  @Test
  void anUpgradeToAnotherPathGets404AndTheConnectionCloses() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      assertThat(raw.upgrade("/other")).startsWith("HTTP/1.1 404");
      assertThat(raw.readToEnd()).contains("404 Not Found");
    }
  }

  @Test
  void aBrowserUpgradeWithAnOriginGets403AndOurClientsStillConnect() throws Exception {
    // what a web page's `new WebSocket("ws://127.0.0.1:PORT/calc")` sends
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      raw.sendHttp(
          "GET /calc HTTP/1.1",
          "Host: 127.0.0.1",
          "Origin: https://evil.example",
          "Upgrade: websocket",
          "Connection: Upgrade",
          "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]),
          "Sec-WebSocket-Version: 13");
      assertThat(raw.readHead()).startsWith("HTTP/1.1 403");
      assertThat(raw.readToEnd()).contains("browser origins are refused");
    }
    assertStillServes();
  }

  @Test
  void anotherMethodGets405AndTheConnectionCloses() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      raw.sendHttp("POST /calc HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 0");
      assertThat(raw.readHead()).startsWith("HTTP/1.1 405").contains("allow: GET");
      assertThat(raw.readToEnd()).contains("GET only");
    }
  }

  @Test
  void anExpectationTheServerCannotMeetGets417AndTheConnectionClosesAtOnce() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      raw.socket.setSoTimeout(5_000); // well below the 10 s opening timeout
      raw.sendHttp("GET /calc HTTP/1.1", "Host: 127.0.0.1", "Expect: something");
      assertThat(raw.readToEnd()).startsWith("HTTP/1.1 417");
    }
    assertStillServes();
  }

  @Test
  void aHeadRequestGets405WithHeadersOnly() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      raw.sendHttp("HEAD /calc HTTP/1.1", "Host: 127.0.0.1");
      String answer = raw.readToEnd();
      assertThat(answer).startsWith("HTTP/1.1 405").contains("allow: GET");
      assertThat(answer).as("a body after a HEAD answer").endsWith("\r\n\r\n");
    }
    assertStillServes();
  }

  @Test
  void aBodyAbove8KiBGets413AsTextAndTheConnectionClosesAtOnce() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      // short of the 10 s opening timeout: the close must come from the refusal, not the timer
      raw.socket.setSoTimeout(5_000);
      raw.sendHttp("GET /calc HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 9000");
      raw.socket.getOutputStream().write(new byte[9000]);
      String head = raw.readHead();
      assertThat(head)
          .startsWith("HTTP/1.1 413")
          .contains("connection: close")
          .contains("text/plain");
      assertThat(raw.readToEnd()).contains("above 8192 bytes");
    }
    assertStillServes();
  }

  @Test
  void aHeadRequestWithABodyAbove8KiBGets413WithHeadersOnly() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      raw.socket.setSoTimeout(5_000);
      raw.sendHttp("HEAD /calc HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 9000");
      raw.socket.getOutputStream().write(new byte[9000]);
      String answer = raw.readToEnd();
      assertThat(answer).startsWith("HTTP/1.1 413").contains("connection: close");
      assertThat(answer).as("a body after a HEAD answer").endsWith("\r\n\r\n");
    }
    assertStillServes();
  }

  @Test
  void aMalformedPercentEncodingInThePathGets400() throws Exception {
    Response response = get("/calc%zz");
    assertThat(response.head()).startsWith("HTTP/1.1 400");
    assertThat(response.body()).contains("percent-encoding");
    assertStillServes();
  }

  @Test
  void anUpgradeWithAnAbsoluteTargetIsServedByItsPath() throws Exception {
    // RFC 7230 5.3.2: a server must accept the absolute form, which proxies send
    String origin = "http://127.0.0.1:" + server.port();
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      assertThat(raw.upgrade(origin + "/calc")).startsWith("HTTP/1.1 101");
    }
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      assertThat(raw.upgrade("ws://other.example/%63alc?x=1")).startsWith("HTTP/1.1 101");
    }
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      assertThat(raw.upgrade(origin + "/elsewhere")).startsWith("HTTP/1.1 404");
    }
    try (RawWebSocket raw = new RawWebSocket(server.port())) {
      assertThat(raw.upgrade(origin)).as("no path: /").startsWith("HTTP/1.1 404");
    }
    assertStillServes();
  }

  @Test
  void aMalformedAbsoluteTargetGets400() throws Exception {
    for (String target :
        new String[] {
          "http://[127.0.0.1/calc",
          "http://127.0.0.1/calc%zz",
          "http:/calc",
          "foo://127.0.0.1/calc",
          "file://127.0.0.1/calc"
        }) {
      Response response = get(target);
      assertThat(response.head()).as(target).startsWith("HTTP/1.1 400");
    }
    assertStillServes();
  }

  @Test
  void aClientOfTheWrongPathIsToldSo() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                WebSocketTransport.client("127.0.0.1", server.port(), "/wrong")
                    .build()
                    .connect(new RecordingListener(), AWAIT))
        .hasMessageContaining("refused the WebSocket upgrade: HTTP 404");
  }
}
