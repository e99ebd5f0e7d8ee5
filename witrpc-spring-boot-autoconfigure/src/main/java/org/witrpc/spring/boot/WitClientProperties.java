package org.witrpc.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code witrpc.client.NAME.*} properties: one client per name. Each client's access token is a
 * secret: give it through the environment ({@code WITRPC_CLIENT_CALC_ACCESS_TOKEN}) or a mounted
 * secret ({@code spring.config.import=configtree:...}); it is never logged.
 *
 * <p>Thread safety: bound once at startup, then only read.
 */
@ConfigurationProperties("witrpc")
public class WitClientProperties {
  /** Clients by name. */
  private final Map<String, Client> client = new LinkedHashMap<>();

  public Map<String, Client> getClient() {
    return client;
  }

  /** When a client connects. */
  public enum Connect {
    /** While the application starts; a server that cannot be reached fails the startup. */
    EAGER,
    /** At the first call through one of its proxies. */
    LAZY
  }

  /** One client's settings. */
  public static class Client {
    /** The server's address, for example mmf://calc. */
    private String uri;

    /** Serializer; must match the server's. */
    private SerializerType serializer = SerializerType.JSON;

    /** Whether the connection is encrypted; must match the server's. */
    private boolean encryption;

    /** Access token the server requires. */
    private String accessToken;

    /** How long a call waits for its reply. */
    private Duration timeout = Duration.ofSeconds(30);

    /** When to connect: EAGER (at startup) or LAZY (at the first call). */
    private Connect connect = Connect.EAGER;

    /** How long the first connect (handshake included) may take. */
    private Duration connectTimeout = Duration.ofSeconds(5);

    /** Largest frame sent or accepted (at least 1KB). */
    private DataSize maxFrameSize = DataSize.ofMegabytes(256);

    /** How long a send may wait for a server that takes none of its bytes. */
    private Duration sendTimeout = Duration.ofSeconds(10);

    /** Reconnecting after a lost connection. */
    private final Reconnect reconnect = new Reconnect();

    /** Repeating calls that surely never reached the server, and idempotent ones. */
    private final Retry retry = new Retry();

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

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Connect getConnect() {
      return connect;
    }

    public void setConnect(Connect connect) {
      this.connect = connect;
    }

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
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

    public Reconnect getReconnect() {
      return reconnect;
    }

    public Retry getRetry() {
      return retry;
    }
  }

  /** Auto-reconnect with exponential backoff; the proxies keep working across reconnects. */
  public static class Reconnect {
    /** Whether the client reconnects by itself after losing its connection. */
    private boolean enabled;

    /** Wait before the first attempt; doubles per attempt. */
    private Duration initialDelay = Duration.ofMillis(100);

    /** Longest wait between attempts. */
    private Duration maxDelay = Duration.ofSeconds(5);

    /** Attempts before giving up (state FAILED); 0 means unlimited. */
    private int maxAttempts;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getInitialDelay() {
      return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }
  }

  /** Retries of calls that may be repeated, with exponential backoff. */
  public static class Retry {
    /** Whether calls that may be repeated are retried. */
    private boolean enabled;

    /** Wait before the first retry; doubles per retry. */
    private Duration initialDelay = Duration.ofMillis(50);

    /** Longest wait between retries. */
    private Duration maxDelay = Duration.ofSeconds(1);

    /** Most retries after the first attempt. */
    private int maxRetries = 3;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getInitialDelay() {
      return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    public int getMaxRetries() {
      return maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
    }
  }
}
