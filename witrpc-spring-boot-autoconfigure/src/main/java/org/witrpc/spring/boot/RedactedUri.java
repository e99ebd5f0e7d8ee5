package org.witrpc.spring.boot;

import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * A transport URI fit to show in health details and messages: without user info and without query
 * options whose name suggests a secret (token, key, password, secret, credential).
 *
 * <p>Thread safety: stateless.
 */
final class RedactedUri {
  private static final Pattern SECRET =
      Pattern.compile(".*(token|key|pass|secret|credential|auth).*");
  private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@");

  private RedactedUri() {}

  static String of(String uri) {
    if (uri == null) {
      return "";
    }
    String withoutFragment = uri.split("#", 2)[0];
    String[] parts = withoutFragment.split("\\?", 2);
    String base = USER_INFO.matcher(parts[0]).replaceFirst("$1");
    if (parts.length == 1) {
      return base;
    }
    StringJoiner kept = new StringJoiner("&", "?", "").setEmptyValue("");
    for (String pair : parts[1].split("&")) {
      String name = pair.split("=", 2)[0].toLowerCase(Locale.ROOT);
      if (!SECRET.matcher(name).matches()) {
        kept.add(pair);
      }
    }
    return base + kept;
  }
}
