package org.witrpc.spring.boot;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * The settings both ends of a connection have: serializer, encryption and access token (which must
 * match the other side's), frame limit and send timeout. The access token is a secret and is never
 * logged.
 *
 * <p>Thread safety: bound once at startup, then only read.
 */
public abstract class WitConnectionProperties {
  /** Serializer; must be the same on both sides. */
  private SerializerType serializer = SerializerType.JSON;

  /** Whether connections are encrypted (X25519, AES-256-GCM); must be the same on both sides. */
  private boolean encryption;

  /**
   * Access token (a random one, 128 bits or more); the server requires it of every client. Unset
   * means none; set but empty or blank fails startup.
   */
  private String accessToken;

  /** Largest frame sent or accepted (at least 1KB). */
  private DataSize maxFrameSize = DataSize.ofMegabytes(256);

  /** How long a send may wait for a peer that takes none of its bytes before it is dropped. */
  private Duration sendTimeout = Duration.ofSeconds(10);

  /** For subclasses. */
  protected WitConnectionProperties() {}

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
}
