package org.witrpc.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.witrpc.server.Dispatch;

/**
 * The {@code witrpc.server.*} properties. A server is configured when {@code uri} is set or a bean
 * is annotated {@link WitService}; {@code enabled=false} turns it off.
 *
 * <p>The access token is a secret: give it through the environment ({@code
 * WITRPC_SERVER_ACCESS_TOKEN}) or a mounted secret ({@code spring.config.import=configtree:...}),
 * never in a committed file. It is never logged.
 *
 * <p>Thread safety: bound once at startup, then only read.
 */
@ConfigurationProperties("witrpc.server")
public class WitServerProperties {
  /** Whether to configure a server at all (when a URI or a @WitService bean asks for one). */
  private boolean enabled = true;

  /** Where the server listens, for example mmf://calc, pipe://calc or mem://calc. */
  private String uri;

  /** Serializer; clients must use the same. */
  private SerializerType serializer = SerializerType.JSON;

  /** Whether connections are encrypted (X25519, AES-256-GCM); clients must say the same. */
  private boolean encryption;

  /** Access token every client must present (a random one, 128 bits or more). */
  private String accessToken;

  /** Most clients connected at once. */
  private int maxClients = 64;

  /** Where requests run: AUTO (quick methods inline, others on the executor), INLINE, EXECUTOR. */
  private Dispatch dispatch = Dispatch.AUTO;

  /** Largest frame accepted (at least 1KB). */
  private DataSize maxFrameSize = DataSize.ofMegabytes(256);

  /** How long a send may wait for a client that takes none of its bytes before it is dropped. */
  private Duration sendTimeout = Duration.ofSeconds(10);

  /** How long a client may take from connecting to ready (handshake and authorization). */
  private Duration handshakeTimeout = Duration.ofSeconds(5);

  /** Whether remote exceptions carry the server's stack trace (for development only). */
  private boolean sendStackTraces;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public SerializerType getSerializer() {
    return serializer;
  }

  public void setSerializer(SerializerType serializer) {
    this.serializer = serializer;
  }

  public boolean isEncryption() {
    return encryption;
  }

  public void setEncryption(boolean encryption) {
    this.encryption = encryption;
  }

  public String getAccessToken() {
    return accessToken;
  }

  public void setAccessToken(String accessToken) {
    this.accessToken = accessToken;
  }

  public int getMaxClients() {
    return maxClients;
  }

  public void setMaxClients(int maxClients) {
    this.maxClients = maxClients;
  }

  public Dispatch getDispatch() {
    return dispatch;
  }

  public void setDispatch(Dispatch dispatch) {
    this.dispatch = dispatch;
  }

  public DataSize getMaxFrameSize() {
    return maxFrameSize;
  }

  public void setMaxFrameSize(DataSize maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
  }

  public Duration getSendTimeout() {
    return sendTimeout;
  }

  public void setSendTimeout(Duration sendTimeout) {
    this.sendTimeout = sendTimeout;
  }

  public Duration getHandshakeTimeout() {
    return handshakeTimeout;
  }

  public void setHandshakeTimeout(Duration handshakeTimeout) {
    this.handshakeTimeout = handshakeTimeout;
  }

  public boolean isSendStackTraces() {
    return sendStackTraces;
  }

  public void setSendStackTraces(boolean sendStackTraces) {
    this.sendStackTraces = sendStackTraces;
  }
}
