package org.witrpc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.witrpc.DiscoveryGroup;

/**
 * One network discovery datagram: a server's HELLO (it started), HEARTBEAT (it is still there) or
 * GOODBYE (it closed), with its name, transport URI and service interfaces. The datagram is the
 * ASCII line {@value #MAGIC} followed by a UTF-8 JSON object (docs/PROTOCOL.md, "Discovery
 * announcements"), at most {@value #MAX_DATAGRAM} bytes; a server with more services than fit
 * announces the first ones and says {@code truncated}.
 *
 * <p>Announcements come from anyone on the network: {@link #decode} accepts only a well-formed
 * datagram within every bound below, with no control characters in any string (a listing prints
 * them), and throws {@link IllegalArgumentException} naming what is wrong otherwise.
 *
 * <p>Thread safety: immutable.
 *
 * @param kind what the server says
 * @param id the announcing server instance's id (letters, digits, {@code . _ -}; 1 to 64)
 * @param name the server's name, for people (at most 255 characters)
 * @param uri the URI clients connect to (at most 512 characters); a wildcard host ({@code 0.0.0.0},
 *     {@code [::]}) is for the listener to replace with the sender's address
 * @param services the service interfaces' names (each at most 255 characters)
 * @param ttlMillis how long after this datagram a listener keeps the server without news from it
 * @param truncated whether services were left out to fit the datagram
 */
public record DiscoveryDatagram(
    Kind kind,
    String id,
    String name,
    String uri,
    List<String> services,
    long ttlMillis,
    boolean truncated) {

  /** The first line of every datagram. */
  public static final String MAGIC = "WITRPC-DISCOVERY/1\n";

  /** Largest datagram sent or accepted, in bytes. */
  public static final int MAX_DATAGRAM = 4096;

  /** Shortest and longest accepted time-to-live, in milliseconds (1 s, 10 min). */
  public static final long MIN_TTL_MILLIS = 1_000, MAX_TTL_MILLIS = 600_000;

  private static final int MAX_NAME = 255, MAX_URI = 512, MAX_SERVICE = 255;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a server says. */
  public enum Kind {
    /** The server started. */
    HELLO,
    /** The server is still there. */
    HEARTBEAT,
    /** The server closed. */
    GOODBYE
  }

  /** Validates every field against the bounds above and copies the services. */
  public DiscoveryDatagram {
    Objects.requireNonNull(kind, "kind == null");
    check(id, "id", 64);
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must be 1 to 64 of A-Z a-z 0-9 . _ -");
    }
    check(name, "name", MAX_NAME);
    check(uri, "uri", MAX_URI);
    services = List.copyOf(services);
    for (String s : services) {
      check(s, "service", MAX_SERVICE);
    }
    if (ttlMillis < MIN_TTL_MILLIS || ttlMillis > MAX_TTL_MILLIS) {
      throw new IllegalArgumentException(
          "ttlMillis " + ttlMillis + " is not " + MIN_TTL_MILLIS + " to " + MAX_TTL_MILLIS);
    }
  }

  /** This announcement with another kind. */
  public DiscoveryDatagram withKind(Kind kind) {
    return new DiscoveryDatagram(kind, id, name, uri, services, ttlMillis, truncated);
  }

  /** The datagram: the magic line and the JSON, services left out from the end until it fits. */
  public byte[] encode() {
    List<String> kept = new ArrayList<>(services);
    boolean cut = truncated;
    while (true) {
      byte[] datagram = encode(kept, cut);
      if (datagram.length <= MAX_DATAGRAM) {
        return datagram;
      }
      // Never empty here: without services the rest is at most 3 bytes per character of name and
      // uri (no control characters, so no 6-byte escapes), 64 of id and ~150 of JSON: < 2,600.
      kept.remove(kept.size() - 1);
      cut = true;
    }
  }

  private byte[] encode(List<String> kept, boolean cut) {
    ObjectNode json = JSON.createObjectNode();
    json.put("kind", kind.name().toLowerCase(Locale.ROOT));
    json.put("id", id);
    json.put("name", name);
    json.put("uri", uri);
    ArrayNode list = json.putArray("services");
    kept.forEach(list::add);
    json.put("ttlMillis", ttlMillis);
    json.put("truncated", cut);
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write an announcement", e);
    }
    byte[] datagram = new byte[MAGIC_BYTES.length + body.length];
    System.arraycopy(MAGIC_BYTES, 0, datagram, 0, MAGIC_BYTES.length);
    System.arraycopy(body, 0, datagram, MAGIC_BYTES.length, body.length);
    return datagram;
  }

  /**
   * Reads the first {@code length} bytes of {@code datagram}.
   *
   * @throws IllegalArgumentException if they are not one announcement within the bounds
   */
  public static DiscoveryDatagram decode(byte[] datagram, int length) {
    if (length > MAX_DATAGRAM) {
      throw new IllegalArgumentException("datagram of " + length + " bytes is too large");
    }
    if (length < MAGIC_BYTES.length
        || !java.util.Arrays.equals(
            datagram, 0, MAGIC_BYTES.length, MAGIC_BYTES, 0, MAGIC_BYTES.length)) {
      throw new IllegalArgumentException("not a witrpc discovery datagram");
    }
    JsonNode json;
    try {
      json = JSON.readTree(datagram, MAGIC_BYTES.length, length - MAGIC_BYTES.length);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
    }
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    JsonNode services = json.get("services");
    if (services == null || !services.isArray()) {
      throw new IllegalArgumentException("services is not an array");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode s : services) {
      names.add(text(s, "service"));
    }
    JsonNode ttl = json.get("ttlMillis");
    JsonNode truncated = json.get("truncated");
    if (ttl == null || !ttl.canConvertToLong() || !ttl.isIntegralNumber()) {
      throw new IllegalArgumentException("ttlMillis is not an integer");
    }
    if (truncated == null || !truncated.isBoolean()) {
      throw new IllegalArgumentException("truncated is not a boolean");
    }
    return new DiscoveryDatagram(
        kind(text(json.get("kind"), "kind")),
        text(json.get("id"), "id"),
        text(json.get("name"), "name"),
        text(json.get("uri"), "uri"),
        names,
        ttl.longValue(),
        truncated.booleanValue());
  }

  private static Kind kind(String text) {
    return switch (text) {
      case "hello" -> Kind.HELLO;
      case "heartbeat" -> Kind.HEARTBEAT;
      case "goodbye" -> Kind.GOODBYE;
      default -> throw new IllegalArgumentException("unknown kind");
    };
  }

  private static String text(JsonNode node, String field) {
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException(field + " is not a string");
    }
    return node.textValue();
  }

  private static void check(String value, String field, int max) {
    Objects.requireNonNull(value, field + " == null");
    if (value.isEmpty() || value.length() > max) {
      throw new IllegalArgumentException(field + " must be 1 to " + max + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(field + " holds a control character");
      }
    }
  }

  /**
   * The interface {@code group} names, checked to be up and to support multicast.
   *
   * @throws SocketException if there is no such interface
   * @throws java.util.NoSuchElementException if the group names none
   */
  public static NetworkInterface namedInterface(DiscoveryGroup group) throws SocketException {
    String name = group.networkInterface().orElseThrow();
    NetworkInterface ni = NetworkInterface.getByName(name);
    if (ni == null || !ni.isUp() || !ni.supportsMulticast()) {
      throw new SocketException(
          "no network interface " + name + " that is up and supports multicast");
    }
    return ni;
  }
}
