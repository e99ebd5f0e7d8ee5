package org.witrpc.spring.boot;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * A transport URI fit to show in health details and messages: without user info, fragment and query
 * options whose name (percent-decoded) suggests a secret (token, key, password, secret,
 * credential). A string that does not parse as a URI (or whose authority a raw {@code /?#} in a
 * password cut short) is shown as its scheme only, since where its secrets are cannot be told.
 *
 * <p>Thread safety: stateless.
 */
final class RedactedUri {
  private static final Pattern SECRET =
      Pattern.compile(".*(token|key|pass|secret|credential|auth).*");

  private RedactedUri() {}

  static String of(String uri) {
    if (uri == null) {
      return "";
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      int scheme = uri.indexOf("://");
      return scheme > 0 ? uri.substring(0, scheme + 3) + "(unparsable)" : "(unparsable)";
    }
    String scheme = parsed.getScheme() != null ? parsed.getScheme() + ":" : "";
    if (parsed.isOpaque()) {
      // mem:calc and the like: no authority, no fragment shown
      return scheme + withoutSecrets(parsed.getRawSchemeSpecificPart());
    }
    String authority = parsed.getRawAuthority();
    String path = parsed.getRawPath() != null ? parsed.getRawPath() : "";
    if (authority != null && looksCut(parsed, authority, path)) {
      return scheme + "//(redacted)";
    }
    StringBuilder shown = new StringBuilder(scheme);
    if (authority != null) {
      // the user info ends at the last '@': a raw '@' cannot be in a host
      shown.append("//").append(authority.substring(authority.lastIndexOf('@') + 1));
    } else if (parsed.getRawSchemeSpecificPart().startsWith("//")) {
      shown.append("//"); // pipe:///run/calc.sock: an empty authority
    }
    shown.append(path);
    if (parsed.getRawQuery() != null) {
      shown.append(keptOptions(parsed.getRawQuery()));
    }
    return shown.toString();
  }

  /**
   * True if the authority was probably cut short by a raw {@code /}, {@code ?} or {@code #} in a
   * password ({@code tcp://user:p/ss@host}): no host could be read from it (and it has no '@' that
   * would end a user info), or an '@' follows it in the path. Such a URI is shown without anything
   * after its scheme, since where its secret ends cannot be told.
   */
  private static boolean looksCut(URI parsed, String authority, String path) {
    boolean hostRead = parsed.getHost() != null || authority.contains("@");
    return !hostRead || path.contains("@");
  }

  private static String withoutSecrets(String opaquePart) {
    int query = opaquePart.indexOf('?');
    return query < 0
        ? opaquePart
        : opaquePart.substring(0, query) + keptOptions(opaquePart.substring(query + 1));
  }

  private static String keptOptions(String rawQuery) {
    StringJoiner kept = new StringJoiner("&", "?", "").setEmptyValue("");
    for (String pair : rawQuery.split("&")) {
      if (!SECRET.matcher(decodedName(pair)).matches()) {
        kept.add(pair);
      }
    }
    return kept.toString();
  }

  private static String decodedName(String pair) {
    // the URI parsed, so its escapes are well formed
    return URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8)
        .toLowerCase(Locale.ROOT);
  }
}
