package org.witrpc.spi;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.witrpc.internal.Durations;
import org.witrpc.internal.Sizes;

/**
 * A transport URI taken apart the same way by every transport provider: {@code
 * scheme://NAME?key=value&key=value}. The query is strict, so that a typo never passes unnoticed:
 *
 * <ul>
 *   <li>keys and values are percent-decoded ({@code %2C} is a comma; {@code +} stays a plus);
 *   <li>every pair is {@code key=value} with a non-empty key and value: {@code a=}, {@code =b},
 *       {@code a} and an empty pair ({@code &&}, a leading or trailing {@code &}) are refused; a
 *       lone {@code ?} is no option at all;
 *   <li>a key given twice is refused, and so is a key the transport does not know (the error names
 *       the known ones);
 *   <li>values are read with the shared syntax: sizes as a whole number of bytes with an optional
 *       suffix B, KiB, MiB or GiB ({@code 64MiB}), durations as a whole number with a unit ns, us,
 *       ms or s ({@code 20us}, {@code 10s}; {@code 0} needs none), counts as whole numbers, and
 *       every value is checked against the range of its setting.
 * </ul>
 *
 * <p>Every error is an {@link IllegalArgumentException} whose message starts with {@code invalid
 * SCHEME transport URI 'URI':} and says what is wrong.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
public final class TransportUri {
  /** The option that sets {@link TransportOptions#maxClients()}. */
  public static final String MAX_CLIENTS = "maxClients";

  /** The option that sets {@link TransportOptions#maxFrameSize()}. */
  public static final String MAX_FRAME_SIZE = "maxFrameSize";

  /** The option that sets {@link TransportOptions#sendTimeout()}. */
  public static final String SEND_TIMEOUT = "sendTimeout";

  private final URI uri;
  private final String scheme;
  private final Map<String, String> options;

  private TransportUri(URI uri, String scheme, Map<String, String> options) {
    this.uri = uri;
    this.scheme = scheme;
    this.options = options;
  }

  /**
   * Takes {@code uri} apart: checks its scheme, that it has no fragment, and its query against
   * {@code knownOptions}.
   *
   * @throws IllegalArgumentException if the scheme differs or the query breaks a rule above
   */
  public static TransportUri parse(URI uri, String scheme, List<String> knownOptions) {
    Objects.requireNonNull(uri, "uri == null");
    Objects.requireNonNull(scheme, "scheme == null");
    Objects.requireNonNull(knownOptions, "knownOptions == null");
    TransportUri empty = new TransportUri(uri, scheme, Map.of());
    if (!scheme.equalsIgnoreCase(uri.getScheme())) {
      throw empty.invalid("not a " + scheme + ":// URI");
    }
    if (uri.getRawFragment() != null) {
      throw empty.invalid("a fragment (#...) has no meaning here");
    }
    return new TransportUri(uri, scheme, empty.query(knownOptions));
  }

  private Map<String, String> query(List<String> knownOptions) {
    Map<String, String> result = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return result;
    }
    List<String> unknown = new ArrayList<>();
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        throw invalid("an empty option (a stray '&'); expected key=value&key=value");
      }
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw invalid("option '" + decode(pair) + "' is not key=value");
      }
      String key = decode(pair.substring(0, eq));
      String value = decode(pair.substring(eq + 1));
      if (!knownOptions.contains(key)) {
        unknown.add(key);
      } else if (result.put(key, value) != null) {
        throw invalid("option '" + key + "' is given twice");
      }
    }
    if (!unknown.isEmpty()) {
      throw invalid(
          "unknown option"
              + (unknown.size() == 1 ? " '" : "s '")
              + String.join("', '", unknown)
              + "'; known options: "
              + String.join(", ", knownOptions));
    }
    return Collections.unmodifiableMap(result);
  }

  /** Percent-decoding of URIs: unlike form encoding, a {@code +} is a plus, not a space. */
  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The URI as given. */
  public URI uri() {
    return uri;
  }

  /**
   * The {@code NAME} of {@code scheme://NAME}: a URI with an authority and no path.
   *
   * @throws IllegalArgumentException if the URI has another shape
   */
  public String name() {
    String name = uri.getAuthority();
    if (uri.isOpaque() || name == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
      throw invalid("expected " + scheme + "://NAME");
    }
    return name;
  }

  /** The decoded value of option {@code key}, if given. */
  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(key));
  }

  /** The value of {@code key} read as a size in bytes ({@code 64MiB}), if given. */
  public Optional<Long> size(String key) {
    return option(key).map(v -> checked(key, () -> Sizes.parse(v)));
  }

  /** The value of {@code key} read as a duration ({@code 20us}), if given. */
  public Optional<Duration> duration(String key) {
    return option(key).map(v -> checked(key, () -> Durations.parse(v)));
  }

  /** The value of {@code key} read as a whole number, if given. */
  public Optional<Integer> count(String key) {
    return option(key)
        .map(
            v -> {
              try {
                return Integer.parseInt(v);
              } catch (NumberFormatException e) {
                throw invalid(key + " must be a whole number, not '" + v + "'");
              }
            });
  }

  /** The {@value PeerPolicy#URI_OPTION} option, if given (see {@link PeerPolicy#parse}). */
  public Optional<PeerPolicy> peerPolicy() {
    return option(PeerPolicy.URI_OPTION).map(v -> checked(null, () -> PeerPolicy.parse(v)));
  }

  /**
   * {@code defaults} with the {@value #MAX_CLIENTS}, {@value #MAX_FRAME_SIZE} and {@value
   * #SEND_TIMEOUT} options of this URI, where given, in their place.
   */
  public TransportOptions applyTo(TransportOptions defaults) {
    Objects.requireNonNull(defaults, "defaults == null");
    TransportOptions options = defaults;
    Optional<Integer> maxClients = count(MAX_CLIENTS);
    if (maxClients.isPresent()) {
      options = checked(null, options::withMaxClients, maxClients.get());
    }
    Optional<Integer> maxFrameSize =
        option(MAX_FRAME_SIZE).map(v -> checked(MAX_FRAME_SIZE, () -> Sizes.parseInt(v)));
    if (maxFrameSize.isPresent()) {
      options = checked(null, options::withMaxFrameSize, maxFrameSize.get());
    }
    Optional<Duration> sendTimeout = duration(SEND_TIMEOUT);
    if (sendTimeout.isPresent()) {
      options = checked(null, options::withSendTimeout, sendTimeout.get());
    }
    return options;
  }

  /**
   * Runs a check of a value of this URI (a builder's setter, a range check), making its {@link
   * IllegalArgumentException} one that names this URI.
   */
  public <T> T check(java.util.function.Supplier<T> check) {
    return checked(null, check);
  }

  /** An error about this URI: {@code invalid SCHEME transport URI 'URI': why}. */
  public IllegalArgumentException invalid(String why) {
    return new IllegalArgumentException(
        "invalid " + scheme.toLowerCase(Locale.ROOT) + " transport URI '" + uri + "': " + why);
  }

  private <T> T checked(String key, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw invalid(key == null ? e.getMessage() : key + ": " + e.getMessage());
    }
  }

  private <A, T> T checked(String key, java.util.function.Function<A, T> with, A value) {
    return checked(key, () -> with.apply(value));
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
