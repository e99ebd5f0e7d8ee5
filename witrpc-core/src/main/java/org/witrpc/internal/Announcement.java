package org.witrpc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.witrpc.spi.RuntimeDirectory;

/**
 * What a started server tells the other processes of its user: one small JSON file in {@code
 * <runtime directory>/servers/}, named {@code <pid>-<serverId>.json}, written by the server when it
 * starts and deleted when it closes. {@code LocalServers} in the client reads them. The file holds
 * the server's address (a transport URI, which never carries a secret), its process id and the
 * start time of that process (to tell it from a later process that got the same id), when the
 * server started, and the names of its service interfaces.
 *
 * <pre>{@code
 * {"uri":"pipe://calc","pid":4242,"processStart":1764540000123,
 *  "startedAt":1764540001456,"services":["com.example.Calculator"]}
 * }</pre>
 *
 * @param uri the address clients connect to
 * @param pid the server's process id
 * @param processStart when that process started, in epoch milliseconds; 0 if the JVM cannot say
 * @param startedAt when the server started
 * @param services the fully qualified names of the served interfaces
 */
public record Announcement(
    String uri, long pid, long processStart, Instant startedAt, List<String> services) {

  /** Files larger than this are not read: no server writes one. */
  public static final int MAX_FILE_BYTES = 16 * 1024;

  /** The file name suffix of announcements. */
  public static final String SUFFIX = ".json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code scheme://rest}: what every transport URI looks like, without white space. */
  private static final Pattern URI_SHAPE = Pattern.compile("[a-z][a-z0-9+.-]*://\\S+");

  /** Checks and copies the components. */
  public Announcement {
    Objects.requireNonNull(uri, "uri == null");
    Objects.requireNonNull(startedAt, "startedAt == null");
    services = List.copyOf(services);
  }

  /** The announcements directory of the current user (not created). */
  public static Path directory() {
    return RuntimeDirectory.defaultDirectory().resolve("servers");
  }

  /** The announcement of this process's server with {@code uri} and {@code services}. */
  public static Announcement ofThisProcess(String uri, List<String> services) {
    ProcessHandle self = ProcessHandle.current();
    long processStart = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    return new Announcement(uri, self.pid(), processStart, Instant.now(), services);
  }

  /** This announcement as the bytes of its file. */
  public byte[] toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("uri", uri);
    node.put("pid", pid);
    node.put("processStart", processStart);
    node.put("startedAt", startedAt.toEpochMilli());
    ArrayNode names = node.putArray("services");
    services.forEach(names::add);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads and parses the announcement file {@code file}: opened once, without following a symbolic
   * link (a link is refused when opened, not checked before), reading at most one byte more than
   * {@link #MAX_FILE_BYTES} from that one channel.
   *
   * @throws IOException if it cannot be opened or read (a link, gone meanwhile)
   * @throws IllegalArgumentException if it is too large or not a well-formed announcement
   */
  public static Announcement read(Path file) throws IOException {
    try (InputStream in =
        Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new IllegalArgumentException("too large");
      }
      return parse(bytes);
    }
  }

  /**
   * Parses the bytes of an announcement file.
   *
   * @throws IllegalArgumentException naming what is wrong, for anything but a well-formed file
   */
  public static Announcement parse(byte[] json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonNode services = node.path("services");
    if (!services.isArray()) {
      throw new IllegalArgumentException("no services array");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode service : services) {
      String name = text(service, "services[]");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a blank service name");
      }
      names.add(name);
    }
    String uri = text(node.path("uri"), "uri");
    if (!URI_SHAPE.matcher(uri).matches()) {
      throw new IllegalArgumentException("uri is not a transport URI (scheme://...)");
    }
    long pid = number(node.path("pid"), "pid");
    if (pid <= 0) {
      throw new IllegalArgumentException("pid is not a process id");
    }
    return new Announcement(
        uri,
        pid,
        number(node.path("processStart"), "processStart"),
        Instant.ofEpochMilli(number(node.path("startedAt"), "startedAt")),
        names);
  }

  /**
   * Whether the process that wrote this announcement still runs: a process with its id is alive,
   * and it started when the writer did (an id can be reused by a later process).
   */
  public boolean processAlive() {
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      return false;
    }
    Optional<Instant> start = process.get().info().startInstant();
    // the start time is read from the OS at a coarse resolution: allow a second either way
    return processStart == 0
        || start.isEmpty()
        || Math.abs(start.get().toEpochMilli() - processStart) <= 1_000;
  }

  /**
   * The Unix socket a client of this server's transport connects to, for the local transports
   * ({@code pipe://NAME} in the default runtime directory, {@code pipe:///PATH}, {@code mmf://NAME}
   * in the default runtime directory or in the one its {@code dir} option names); empty for the
   * others.
   */
  public Optional<Path> localSocket() {
    int query = uri.indexOf('?');
    String bare = query < 0 ? uri : uri.substring(0, query);
    if (bare.startsWith("pipe:///")) {
      return Optional.of(Path.of(bare.substring("pipe://".length())));
    }
    if (bare.startsWith("pipe://")) {
      return Optional.of(
          RuntimeDirectory.defaultDirectory()
              .resolve(bare.substring("pipe://".length()) + ".sock"));
    }
    if (bare.startsWith("mmf://")) {
      Path directory =
          query < 0
              ? RuntimeDirectory.defaultDirectory()
              : option(uri.substring(query + 1), "dir")
                  .map(Path::of)
                  .orElseGet(RuntimeDirectory::defaultDirectory);
      return Optional.of(directory.resolve(bare.substring("mmf://".length()) + ".mmf.sock"));
    }
    return Optional.empty();
  }

  /** The percent-decoded value of {@code key} in {@code query}, decoded as TransportUri does. */
  private static Optional<String> option(String query, String key) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && decode(pair.substring(0, eq)).equals(key)) {
        return Optional.of(decode(pair.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String text(JsonNode node, String field) {
    if (!node.isTextual()) {
      throw new IllegalArgumentException(field + " is not a string");
    }
    return node.asText();
  }

  /** A whole number from 0 to {@link Long#MAX_VALUE} (not 4242.7, not "4242"). */
  private static long number(JsonNode node, String field) {
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
      throw new IllegalArgumentException(field + " is not a whole number from 0");
    }
    return node.asLong();
  }
}
