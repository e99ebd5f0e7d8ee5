package org.witrpc.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.witrpc.DiscoveryGroup;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a discovery group as {@code ADDRESS[:PORT]}: {@code 239.255.87.82}, {@code 239.1.2.3:9000},
 * {@code [ff02::1]:9000} or {@code ff02::1}; the port defaults to {@value
 * DiscoveryGroup#DEFAULT_PORT}. Only address literals: no name is looked up.
 *
 * <p>Thread safety: stateless.
 */
final class DiscoveryGroupConverter implements ITypeConverter<DiscoveryGroup> {
  private static final Pattern V4 = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3})(?::(\\d{1,5}))?");
  private static final Pattern V6_PORT = Pattern.compile("\\[([0-9A-Fa-f:.]+)\\](?::(\\d{1,5}))?");
  private static final Pattern V6 = Pattern.compile("([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)()");

  @Override
  public DiscoveryGroup convert(String value) {
    String text = value.strip();
    Matcher m = V4.matcher(text);
    if (!m.matches()) {
      m = V6_PORT.matcher(text);
    }
    if (!m.matches()) {
      m = V6.matcher(text);
    }
    if (!m.matches()) {
      throw invalid(value, "write a multicast address and an optional port, as 239.255.87.82:7787");
    }
    try {
      InetAddress group = InetAddress.getByName(m.group(1)); // a literal: no lookup
      int port =
          m.group(2) == null || m.group(2).isEmpty()
              ? DiscoveryGroup.DEFAULT_PORT
              : Integer.parseInt(m.group(2));
      return DiscoveryGroup.defaults().withGroup(group, port);
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw invalid(value, e.getMessage());
    }
  }

  private static TypeConversionException invalid(String value, String why) {
    return new TypeConversionException("'" + value + "' is not a discovery group: " + why);
  }
}
