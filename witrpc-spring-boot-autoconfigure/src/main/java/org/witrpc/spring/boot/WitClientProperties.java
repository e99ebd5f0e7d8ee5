package org.witrpc.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code witrpc.client.NAME.*} properties: one client per name. Each client's access token is a
 * secret: give it through the environment ({@code WITRPC_CLIENT_CALC_ACCESSTOKEN}) or a mounted
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
  public static class Client extends WitConnectionProperties {
    /** The server's address, for example mmf://calc. */
    private String uri;

    /** How long a call waits for its reply. */
    private Duration timeout = Duration.ofSeconds(30);

    /** When to connect: EAGER (at startup) or LAZY (at the first call). */
    private Connect connect = Connect.EAGER;

    /** How long the first connect (handshake included) may take. */
    private Duration connectTimeout = Duration.ofSeconds(5);

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

    public Reconnect getReconnect() {
      return reconnect;
    }

    public Retry getRetry() {
      return retry;
    }
  }

  /** Exponential backoff: a first wait that doubles up to a longest one. */
  public abstract static class Backoff {
    /** Whether this is on. */
    private boolean enabled;

    /** Wait before the first attempt; doubles per attempt. */
    private Duration initialDelay;

    /** Longest wait between attempts. */
    private Duration maxDelay;

    Backoff(Duration initialDelay, Duration maxDelay) {
      this.initialDelay = initialDelay;
      this.maxDelay = maxDelay;
    }

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
  }

  /**
   * Auto-reconnect (off by default; 100ms doubling up to 5s); the proxies keep working across
   * reconnects.
   */
  public static class Reconnect extends Backoff {
    /** Attempts before giving up (state FAILED); 0 means unlimited. */
    private int maxAttempts;

    /** Off, 100ms doubling up to 5s, unlimited attempts. */
    public Reconnect() {
      super(Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }
  }

  /** Retries of calls that may be repeated (off by default; 50ms doubling up to 1s, 3 retries). */
  public static class Retry extends Backoff {
    /** Most retries after the first attempt. */
    private int maxRetries = 3;

    /** Off, 50ms doubling up to 1s, 3 retries. */
    public Retry() {
      super(Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    public int getMaxRetries() {
      return maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
    }
  }
}
