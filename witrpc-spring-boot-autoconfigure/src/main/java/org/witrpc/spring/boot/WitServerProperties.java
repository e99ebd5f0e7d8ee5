package org.witrpc.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.witrpc.server.Dispatch;

/**
 * The {@code witrpc.server.*} properties. A server is configured when {@code uri} is set or a bean
 * is annotated {@link WitService}; {@code enabled=false} turns it off.
 *
 * <p>The access token is a secret: give it through the environment ({@code
 * WITRPC_SERVER_ACCESSTOKEN}) or a mounted secret ({@code spring.config.import=configtree:...}),
 * never in a committed file. It is never logged.
 *
 * <p>Thread safety: bound once at startup, then only read.
 */
@ConfigurationProperties("witrpc.server")
public class WitServerProperties extends WitConnectionProperties {
  /** Whether to configure a server at all (when a URI or a @WitService bean asks for one). */
  private boolean enabled = true;

  /** Where the server listens, for example mmf://calc, pipe://calc or mem://calc. */
  private String uri;

  /** Most clients connected at once. */
  private int maxClients = 64;

  /** Where requests run: AUTO (quick methods inline, others on the executor), INLINE, EXECUTOR. */
  private Dispatch dispatch = Dispatch.AUTO;

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
