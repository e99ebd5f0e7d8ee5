package org.witrpc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.witrpc.internal.LoneSurrogates;

/**
 * The metadata a call carries from the client to the server, next to its arguments: string keys,
 * each with a string or a binary value (a trace context, a tenant, a caller's name). Client
 * interceptors set it ({@code ClientInterceptor.Chain.proceed(Metadata)}); the server's {@code
 * CallContext.metadata()} shows it to interceptors and service methods.
 *
 * <p>A key is 1 to 255 bytes of UTF-8; keys are case-sensitive and unique (a later {@code with} of
 * the same key replaces its value). The whole encoded block is bounded by the server's {@code
 * maxMetadataSize} (default {@value #DEFAULT_MAX_SIZE} bytes), which the server announces in the
 * handshake; a call whose metadata is larger, or has more than 64 entries, fails on the client
 * before it is sent. The wire format is in docs/PROTOCOL.md.
 *
 * <p>Thread safety: immutable; {@code with} returns a new instance. Binary values are copied in and
 * out.
 */
public final class Metadata {
  /** Default bound of a call's encoded metadata, in bytes: 8 KiB. */
  public static final int DEFAULT_MAX_SIZE = 8 * 1024;

  /** Longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 255;

  private static final Metadata EMPTY = new Metadata(Collections.emptyMap());

  /** String or byte[] values (byte[] never escapes uncopied). */
  private final Map<String, Object> entries;

  private Metadata(Map<String, Object> entries) {
    this.entries = entries;
  }

  /** No metadata. */
  public static Metadata empty() {
    return EMPTY;
  }

  /**
   * This metadata with {@code key} set to the string {@code value}.
   *
   * @throws IllegalArgumentException if the key is empty or longer than 255 UTF-8 bytes, or the key
   *     or value is not valid Unicode (a lone surrogate, which UTF-8 cannot carry)
   */
  public Metadata with(String key, String value) {
    checkText("value", Objects.requireNonNull(value, "value == null"));
    return put(key, value);
  }

  /**
   * This metadata with {@code key} set to a copy of the binary {@code value}.
   *
   * @throws IllegalArgumentException if the key is empty or longer than 255 UTF-8 bytes, or not
   *     valid Unicode (a lone surrogate)
   */
  public Metadata with(String key, byte[] value) {
    Objects.requireNonNull(value, "value == null");
    return put(key, value.clone());
  }

  /** This metadata without {@code key}. */
  public Metadata without(String key) {
    if (!entries.containsKey(key)) {
      return this;
    }
    Map<String, Object> copy = new LinkedHashMap<>(entries);
    copy.remove(key);
    return copy.isEmpty() ? EMPTY : new Metadata(Collections.unmodifiableMap(copy));
  }

  private Metadata put(String key, Object value) {
    checkKey(key);
    Map<String, Object> copy = new LinkedHashMap<>(entries);
    copy.put(key, value);
    return new Metadata(Collections.unmodifiableMap(copy));
  }

  /** Checks a key: valid Unicode of 1 to 255 UTF-8 bytes. */
  static void checkKey(String key) {
    Objects.requireNonNull(key, "key == null");
    checkText("key", key);
    int bytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "a metadata key has 1 to " + MAX_KEY_BYTES + " UTF-8 bytes, not " + bytes);
    }
  }

  /**
   * Checks that {@code text} has no lone surrogate: UTF-8 would carry it as '?', so the peer would
   * see another key or value (two keys could even become one).
   */
  private static void checkText(String what, String text) {
    int lone = LoneSurrogates.indexIn(text);
    if (lone >= 0) {
      throw new IllegalArgumentException(
          "a metadata " + what + " must be valid Unicode: a lone surrogate at index " + lone);
    }
  }

  /** The string value of {@code key}, or null if it has none (or a binary one). */
  public String get(String key) {
    return entries.get(key) instanceof String s ? s : null;
  }

  /** A copy of the binary value of {@code key}, or null if it has none (or a string one). */
  public byte[] getBinary(String key) {
    return entries.get(key) instanceof byte[] b ? b.clone() : null;
  }

  /** True if {@code key} has a value, string or binary. */
  public boolean contains(String key) {
    return entries.containsKey(key);
  }

  /** The keys, in the order they were first set. */
  public Set<String> keys() {
    return entries.keySet();
  }

  /** True if there is no entry. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** True if {@code key} has a binary value. */
  public boolean isBinary(String key) {
    return entries.get(key) instanceof byte[];
  }

  /** A builder, for setting many entries at once. */
  public static Builder builder() {
    return new Builder(EMPTY);
  }

  /** A builder that starts with this metadata's entries. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds a {@link Metadata} of many entries without a copy per entry.
   *
   * <p>Thread safety: not thread-safe; use from one thread, then {@link #build()}.
   */
  public static final class Builder {
    private final Map<String, Object> entries;

    private Builder(Metadata start) {
      this.entries = new LinkedHashMap<>(start.entries);
    }

    /** Sets {@code key} to the string {@code value}; see {@link Metadata#with(String, String)}. */
    public Builder put(String key, String value) {
      checkKey(key);
      checkText("value", Objects.requireNonNull(value, "value == null"));
      entries.put(key, value);
      return this;
    }

    /** Sets {@code key} to a copy of {@code value}; see {@link Metadata#with(String, byte[])}. */
    public Builder put(String key, byte[] value) {
      checkKey(key);
      entries.put(key, Objects.requireNonNull(value, "value == null").clone());
      return this;
    }

    /** True if {@code key} is set. */
    public boolean contains(String key) {
      return entries.containsKey(key);
    }

    /** The metadata built so far. */
    public Metadata build() {
      return entries.isEmpty()
          ? EMPTY
          : new Metadata(Collections.unmodifiableMap(new LinkedHashMap<>(entries)));
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Metadata m) || !m.entries.keySet().equals(entries.keySet())) {
      return false;
    }
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      Object other = m.entries.get(e.getKey());
      boolean same =
          e.getValue() instanceof byte[] b
              ? other instanceof byte[] ob && Arrays.equals(b, ob)
              : e.getValue().equals(other);
      if (!same) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return entries.keySet().hashCode();
  }

  /** Keys and string values; binary values as their length only. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Metadata{");
    String sep = "";
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      sb.append(sep).append(e.getKey()).append('=');
      if (e.getValue() instanceof byte[] b) {
        sb.append('[').append(b.length).append(" bytes]");
      } else {
        sb.append(e.getValue());
      }
      sep = ", ";
    }
    return sb.append('}').toString();
  }
}
