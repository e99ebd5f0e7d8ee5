package org.witrpc.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.witrpc.MethodDescription;
import org.witrpc.ServerDescription;
import org.witrpc.ServiceDescription;
import org.witrpc.client.WitClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code witrpc describe URI}: a server's services and method signatures, through reflection. */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description =
        "Describe a server through its reflection service: protocol, serializer, and each"
            + " service's methods with their Java signatures (async, listener and idempotent"
            + " methods marked).")
final class DescribeCommand extends RemoteCommand implements Callable<Integer> {
  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "SERVICE",
      description = "Only this service (full or simple interface name).")
  String service;

  @Override
  public Integer call() {
    try (WitClient client = connect()) {
      Reflection reflection = new Reflection(uri, client.dynamic());
      ServerDescription d = reflection.describe();
      String only = service == null ? null : reflection.serviceName(service, true);
      PrintWriter out = out();
      out.print(format(uri, d, only));
      return ExitCode.OK;
    }
  }

  static String format(String uri, ServerDescription d, String only) {
    StringBuilder sb = new StringBuilder();
    sb.append(uri)
        .append("  protocol ")
        .append(d.protocolVersion())
        .append(", serializer ")
        .append(TerminalSafeWriter.field(d.serializer()));
    Map<String, String> options = new TreeMap<>(d.transportOptions());
    options.forEach(
        (k, v) ->
            sb.append(", ")
                .append(TerminalSafeWriter.field(k))
                .append(' ')
                .append(TerminalSafeWriter.field(v)));
    sb.append(System.lineSeparator());
    for (ServiceDescription s : d.services()) {
      if (only != null && !only.equals(s.interfaceName())) {
        continue;
      }
      sb.append(System.lineSeparator())
          .append(TerminalSafeWriter.field(s.interfaceName()))
          .append(System.lineSeparator());
      for (MethodDescription m : s.methods()) {
        sb.append("  ").append(readable(m.returnType())).append(' ').append(signature(m));
        if (s.methods(m.name()).size() > 1) {
          // an overload is called by its key: the erased types, which the signature does not show
          sb.append("  [key ").append(TerminalSafeWriter.field(m.key())).append(']');
        }
        if (m.async()) {
          sb.append("  [async]");
        }
        if (m.idempotent()) {
          sb.append("  [idempotent]");
        }
        if (m.listenerAdd()) {
          sb.append("  [events:");
          m.listenerMethods().forEach(e -> sb.append(' ').append(signature(e)));
          sb.append(']');
        }
        sb.append(System.lineSeparator());
      }
    }
    return sb.toString();
  }

  /** {@code add(int a, int b)}, with {@code java.lang.} left out; the server's names escaped. */
  static String signature(MethodDescription m) {
    StringBuilder sb = new StringBuilder(TerminalSafeWriter.field(m.name())).append('(');
    for (int i = 0; i < m.arity(); i++) {
      sb.append(i == 0 ? "" : ", ").append(readable(m.parameterTypes().get(i)));
      sb.append(' ').append(TerminalSafeWriter.field(m.parameterNames().get(i)));
    }
    return sb.append(')').toString();
  }

  /** A Java type with {@code java.lang.} left out: {@code java.util.List<String>}; escaped. */
  static String readable(String type) {
    return TerminalSafeWriter.field(type.replaceAll("\\bjava\\.lang\\.(?=[A-Z])", ""));
  }
}
