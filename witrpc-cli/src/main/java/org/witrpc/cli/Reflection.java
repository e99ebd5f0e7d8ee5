package org.witrpc.cli;

import java.util.List;
import java.util.stream.Collectors;
import org.witrpc.MethodDescription;
import org.witrpc.ServerDescription;
import org.witrpc.ServiceDescription;
import org.witrpc.Status;
import org.witrpc.WitRemoteException;
import org.witrpc.client.DynamicClient;

/**
 * What the tool learns from a server's reflection: its description, and the fully qualified name of
 * a service the command line names by its simple name.
 *
 * <p>Thread safety: not thread-safe; used by one command.
 */
final class Reflection {
  private final String uri;
  private final DynamicClient client;

  Reflection(String uri, DynamicClient client) {
    this.uri = uri;
    this.client = client;
  }

  /**
   * The server's description.
   *
   * @throws CliFailure with {@link ExitCode#REFLECTION_OFF} if the server has reflection off
   */
  ServerDescription describe() {
    return describe(
        "it cannot be described; call it with the interface's full name and the method's key, for"
            + " example com.example.Calculator.add(int,int)");
  }

  /**
   * The server's description, for a command that cannot do without it.
   *
   * @param without what reflection being off means for the command, after "so"
   * @throws CliFailure with {@link ExitCode#REFLECTION_OFF} if the server has reflection off, with
   *     {@link ExitCode#REMOTE_ERROR} if a method's key is malformed (the server's fault, not the
   *     command line's)
   */
  ServerDescription describe(String without) {
    try {
      return wellFormed(client.describe());
    } catch (WitRemoteException e) {
      if (e.is(Status.NOT_FOUND)) {
        throw new CliFailure(
            ExitCode.REFLECTION_OFF,
            uri + " has reflection off (WitServer.Builder.reflection(false)), so " + without);
      }
      throw e;
    }
  }

  /** {@code d}, if each of its methods has a key the calls can use: {@code name(type,...)}. */
  private ServerDescription wellFormed(ServerDescription d) {
    for (ServiceDescription s : d.services()) {
      for (MethodDescription m : s.methods()) {
        String key = m.key();
        boolean wellFormed =
            !m.name().isEmpty()
                && key.startsWith(m.name() + "(")
                && key.endsWith(")")
                && key.indexOf('(') == m.name().length()
                && keyArity(key) == m.arity();
        if (!wellFormed) {
          throw new CliFailure(
              ExitCode.REMOTE_ERROR,
              uri
                  + " describes itself wrongly: method "
                  + TerminalSafeWriter.field(m.signature())
                  + " of "
                  + TerminalSafeWriter.field(s.interfaceName())
                  + " has the key '"
                  + TerminalSafeWriter.field(key)
                  + "', not its name and "
                  + m.arity()
                  + " parameter types in parentheses (a bug or a hostile server)");
        }
      }
    }
    return d;
  }

  /** The number of parameters in key {@code name(type,...)}: erased types hold no comma. */
  private static int keyArity(String key) {
    String params = key.substring(key.indexOf('(') + 1, key.length() - 1);
    return params.isEmpty() ? 0 : params.split(",", -1).length;
  }

  /**
   * The fully qualified name of {@code service}: itself if qualified and the server need not be
   * asked ({@code mustExist} false), else the one service with that full or simple name.
   *
   * @throws CliFailure (usage) if no service or several have that name
   */
  String serviceName(String service, boolean mustExist) {
    if (service.indexOf('.') >= 0 && !mustExist) {
      return service;
    }
    List<ServiceDescription> services = describe().services();
    List<String> matching =
        services.stream()
            .map(ServiceDescription::interfaceName)
            .filter(name -> name.equals(service) || simpleName(name).equals(service))
            .toList();
    if (matching.size() == 1) {
      return matching.get(0);
    }
    // the names are the server's: a line break in one must not start a line of its own
    String offered =
        services.stream()
            .map(s -> TerminalSafeWriter.field(s.interfaceName()))
            .collect(Collectors.joining(", "));
    throw new CliFailure(
        ExitCode.USAGE,
        matching.isEmpty()
            ? uri + " has no service " + service + "; it offers: " + offered
            : service
                + " is ambiguous on "
                + uri
                + ": "
                + matching.stream().map(TerminalSafeWriter::field).collect(Collectors.joining(", "))
                + "; give the full name");
  }

  /** {@code com.example.Outer$Inner} -> {@code Inner}. */
  static String simpleName(String interfaceName) {
    int cut = Math.max(interfaceName.lastIndexOf('.'), interfaceName.lastIndexOf('$'));
    return interfaceName.substring(cut + 1);
  }
}
