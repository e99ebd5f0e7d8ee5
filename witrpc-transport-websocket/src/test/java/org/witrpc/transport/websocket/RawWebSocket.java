package org.witrpc.transport.websocket;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A hand-made WebSocket (or plain HTTP) client on a loopback socket, for tests that send what a
 * witrpc client never would: plain HTTP requests, text frames, frames above the limit, silence.
 */
final class RawWebSocket implements AutoCloseable {
  final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  RawWebSocket(int port) throws IOException {
    this(new Socket(InetAddress.getLoopbackAddress(), port));
  }

  /**
   * A client over TLS ({@code wss://}) to {@code port}, trusting {@code ca}; the TLS handshake is
   * done before this returns.
   */
  static RawWebSocket overTls(int port, X509Certificate ca) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trustManagers.getTrustManagers(), null);
    SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    socket.startHandshake();
    return new RawWebSocket(socket);
  }

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  /** Sends a raw HTTP request (lines joined with CRLF, then an empty line). */
  void sendHttp(String... lines) throws IOException {
    out.write((String.join("\r\n", lines) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Sends a WebSocket upgrade request for {@code path}; returns the response head. */
  String upgrade(String path) throws IOException {
    return upgradeWith(path, new byte[0]);
  }

  /**
   * Sends a WebSocket upgrade request for {@code path} and {@code after} (frames, say) in one
   * write, without waiting for the answer; returns the response head.
   */
  String upgradeWith(String path, byte[] after) throws IOException {
    String request =
        String.join(
                "\r\n",
                "GET " + path + " HTTP/1.1",
                "Host: 127.0.0.1",
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]),
                "Sec-WebSocket-Version: 13")
            + "\r\n\r\n";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(request.getBytes(StandardCharsets.US_ASCII));
    bytes.writeBytes(after);
    out.write(bytes.toByteArray());
    out.flush();
    return readHead();
  }

  /** Sends {@code length} bytes of {@code bytes} from {@code offset} as they are. */
  void sendRaw(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    out.flush();
  }

  /** Reads an HTTP response head, up to the empty line. */
  String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Everything up to the end of stream (the server closed the connection). */
  String readToEnd() throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Sends a masked frame header announcing {@code length} bytes, and {@code payload} after it. */
  void sendFrame(int opcode, boolean fin, long length, byte[] payload) throws IOException {
    out.write(frame(opcode, fin, length, payload));
    out.flush();
  }

  /** A masked frame: its header announcing {@code length} bytes, and {@code payload} after it. */
  static byte[] frame(int opcode, boolean fin, long length, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    if (length < 126) {
      frame.write(0x80 | (int) length);
    } else if (length <= 0xFFFF) {
      frame.write(0x80 | 126);
      frame.write((int) (length >>> 8));
      frame.write((int) length);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) (length >>> shift));
      }
    }
    byte[] mask = {1, 2, 3, 4};
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    return frame.toByteArray();
  }

  /** A frame from the server (unmasked): its opcode and payload. */
  record Frame(int opcode, byte[] payload) {
    /** The status of a close frame. */
    int closeStatus() {
      return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    /** The reason of a close frame. */
    String closeReason() {
      return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  Frame readFrame() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame(b0 & 0x0F, payload);
  }

  /** Reads frames until a close frame; pings and data before it are skipped. */
  Frame readUntilClose() throws IOException {
    while (true) {
      Frame frame = readFrame();
      if (frame.opcode() == 0x8) {
        return frame;
      }
    }
  }

  InputStream input() {
    return in;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
