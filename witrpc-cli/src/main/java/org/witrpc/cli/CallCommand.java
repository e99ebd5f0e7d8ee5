package org.witrpc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.witrpc.MethodDescription;
import org.witrpc.ServerDescription;
import org.witrpc.client.DynamicClient;
import org.witrpc.client.WitClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code witrpc call URI Service.method ARGS...}: one call with JSON arguments. */
@Command(
    name = "call",
    mixinStandardHelpOptions = true,
    description = {
      "Call a method with JSON arguments and print its result as JSON (null for void).",
      "Example: witrpc call pipe://calc Calculator.add 1 2",
      "Strings are JSON strings, quoted for the shell: witrpc call pipe://calc Greeter.hello"
          + " '\"Ann\"'"
    })
final class CallCommand extends RemoteCommand implements Callable<Integer> {
  /** Reads one JSON value and fails on anything after it ("1 2" is not one value). */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Parameters(
      index = "1",
      paramLabel = "SERVICE.METHOD",
      description =
          "The method: Service.method (overload picked by the number of arguments) or"
              + " Service.method(int,int); the service by its simple or full name.")
  String method;

  @Parameters(
      index = "2..*",
      arity = "0..*",
      paramLabel = "ARG",
      description = "The arguments, each one JSON value: 42, \"text\", [1,2], {\"x\":1}, null.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    MethodRef ref = MethodRef.parse(method);
    ArrayNode values = parseArguments(args);
    try (WitClient client = connect()) {
      DynamicClient dynamic = client.dynamic();
      Reflection reflection = new Reflection(uri, dynamic);
      String service = reflection.serviceName(ref.service(), !ref.isQualified());
      if (!ref.isKey()) {
        // fails clearly if reflection is off; the overload is picked from the description
        refuseListenerMethods(ref, reflection.describe(), service);
      }
      JsonNode result = dynamic.call(service, ref.method(), values);
      out().println(result.toString());
      return ExitCode.OK;
    }
  }

  /**
   * A listener's add or remove method is not called but watched: the failure names the command.
   *
   * @throws CliFailure (usage) if every method of that name is a listener's add or remove method
   */
  private void refuseListenerMethods(MethodRef ref, ServerDescription d, String service) {
    List<MethodDescription> named =
        d.service(service).map(s -> s.methods(ref.method())).orElse(List.of());
    if (named.isEmpty() || !named.stream().allMatch(m -> m.listenerAdd() || m.listenerRemove())) {
      return;
    }
    String add =
        named.get(0).listenerAdd()
            ? ref.method()
            : ref.method().startsWith("remove")
                ? "add" + ref.method().substring("remove".length())
                : "addXxxListener";
    throw new CliFailure(
        ExitCode.USAGE,
        ref.service()
            + "."
            + ref.method()
            + " is a listener method: watch its events with witrpc watch "
            + uri
            + " "
            + ref.service()
            + "."
            + add);
  }

  /** Each argument as one JSON value. */
  static ArrayNode parseArguments(List<String> args) {
    ArrayNode values = JSON.createArrayNode();
    for (int i = 0; i < args.size(); i++) {
      JsonNode value;
      try {
        value = JSON.readTree(args.get(i));
      } catch (MismatchedInputException e) {
        throw new CliFailure(
            ExitCode.USAGE,
            "argument "
                + (i + 1)
                + " is not one JSON value: "
                + args.get(i)
                + " (one argument per value, each quoted for the shell on its own)");
      } catch (JsonProcessingException e) {
        throw new CliFailure(
            ExitCode.USAGE,
            "argument "
                + (i + 1)
                + " is not JSON: "
                + args.get(i)
                + " (a string needs JSON quotes, for the shell '\""
                + args.get(i)
                + "\"')");
      }
      if (value.isMissingNode()) {
        throw new CliFailure(
            ExitCode.USAGE,
            "argument " + (i + 1) + " is empty (an empty string is '\"\"', no value is null)");
      }
      values.add(value);
    }
    return values;
  }
}
