package org.witrpc.client;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.witrpc.Metadata;
import org.witrpc.MethodDescription;
import org.witrpc.ServerDescription;
import org.witrpc.ServerReflection;
import org.witrpc.ServiceDescription;
import org.witrpc.Status;
import org.witrpc.WitRemoteException;
import org.witrpc.internal.ListenerMethods;
import org.witrpc.internal.MethodDescriptor;

/**
 * Calls a server without its interface classes: methods by service and method name, arguments and
 * results as JSON trees, and listener events as JSON. What the server offers comes from its {@link
 * ServerReflection} ({@link #describe()}). Obtained from {@link WitClient#dynamic()}.
 *
 * <pre>{@code
 * DynamicClient dynamic = client.dynamic();
 * JsonNode sum = dynamic.call("com.acme.Calculator", "add", mapper.readTree("[1, 2]"));
 * }</pre>
 *
 * <p>Calls go the way of proxy calls: the client's timeout, interceptors (which see an {@link
 * org.witrpc.RpcMethod} whose {@code javaMethod()} is null), retry policy (for methods the
 * description marks idempotent), reconnects and serializer. With JSON the arguments are written as
 * the very bytes a typed call would write; with MessagePack the trees are written as MessagePack.
 * Either way the server converts them with the method's declared types, as for any call: an
 * argument that does not fit is answered 400 naming the parameter.
 *
 * <p>{@code byte[]}, as the serializers encode it: with JSON, Base64 text wherever it is, in
 * arguments and results, at the top level or inside records, lists, arrays and maps. With
 * MessagePack, a result's {@code byte[]} at any depth is a {@link
 * com.fasterxml.jackson.databind.node.BinaryNode} ({@code asText()} gives its Base64); an argument
 * whose declared parameter type is {@code byte[]} itself is given as Base64 text and sent as bytes,
 * as a typed call sends it; but a {@code byte[]} nested in an argument (a record's component, a
 * list's or map's element) cannot be told from a string, because the server's description gives
 * parameter types, not the fields of records: it is sent as the MessagePack string of its Base64
 * text, which the server reads as that text's UTF-8 bytes, not as the decoded bytes. Pass such
 * arguments to a MessagePack server through the typed interface.
 *
 * <p>The server's description is fetched on the first call by method name (or subscription) and
 * kept; {@link #describe()} fetches it again.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class DynamicClient {
  private static final String DESCRIBE = "ServerReflection." + ServerReflection.DESCRIBE_KEY;

  private final ServerReflection reflection;
  private final RemoteCalls calls;
  private final ClientInterceptors interceptors;
  private volatile ServerDescription described;

  DynamicClient(ServerReflection reflection, RemoteCalls calls, ClientInterceptors interceptors) {
    this.reflection = reflection;
    this.calls = calls;
    this.interceptors = interceptors;
  }

  /**
   * Asks the server to describe itself ({@link ServerReflection#describe()}), and keeps the answer
   * for the calls by method name that follow.
   *
   * @throws WitRemoteException with status 404 and the message "reflection is off on this server
   *     (WitServer.Builder.reflection(false))" if the server does not offer reflection; as any
   *     call, if the server refuses the client or does not answer in time
   */
  public ServerDescription describe() {
    ServerDescription d;
    try {
      d = reflection.describe();
    } catch (WitRemoteException e) {
      if (e.is(Status.NOT_FOUND)) {
        throw new WitRemoteException(
            DESCRIBE,
            e.status(),
            null,
            "reflection is off on this server (WitServer.Builder.reflection(false))",
            null);
      }
      throw e;
    }
    described = d;
    return d;
  }

  private ServerDescription description() {
    ServerDescription d = described;
    return d != null ? d : describe();
  }

  /**
   * Calls a method and waits for its result.
   *
   * @param service the fully qualified name of the service interface
   * @param method the method's name, the overload then picked by the number of arguments (from the
   *     server's description); or its exact key as the description gives it, for example {@code
   *     add(int,int)}, which needs no description (it works with reflection off)
   * @param args the arguments as a JSON array (null or an empty array for none)
   * @return the result as a JSON tree; {@link NullNode} for a void method or a null result (never
   *     null)
   * @throws IllegalArgumentException if {@code args} is not an array, its size fits no overload of
   *     {@code method} (the message lists their signatures) or several, or the method is a listener
   *     method (use {@link #subscribe})
   * @throws WitRemoteException 404 if the service or method does not exist, 400 if an argument does
   *     not fit its parameter (the message names it), 500 if the method threw
   */
  public JsonNode call(String service, String method, JsonNode args) {
    Objects.requireNonNull(service, "service == null");
    Objects.requireNonNull(method, "method == null");
    Object[] values = arguments(args);
    MethodDescription found = isKey(method) ? null : pick(service, method, values.length);
    if (found != null && (found.listenerAdd() || found.listenerRemove())) {
      throw new IllegalArgumentException(
          simpleName(service) + "." + found.signature() + " is a listener method: use subscribe");
    }
    String key = found == null ? method : found.key();
    MethodDescriptor d = MethodDescriptor.dynamic(service, key, MethodDescriptor.Kind.CALL);
    if (d.parameterTypes().length != values.length) {
      throw new IllegalArgumentException(
          d.displayName()
              + " takes "
              + d.parameterTypes().length
              + " arguments, not "
              + values.length);
    }
    binaryArguments(d, values);
    boolean idempotent = found != null ? found.idempotent() : isIdempotent(service, key);
    byte[] route = d.route().toBytes();
    Object result =
        interceptors == null
            ? calls.call(d, route, values, idempotent, Metadata.empty())
            : interceptors.run(
                d, values, metadata -> calls.call(d, route, values, idempotent, metadata));
    return tree(result);
  }

  /**
   * Subscribes to a listener's events through the service's {@code addXxx} method (the server calls
   * it with its stub of the listener, as for a typed proxy).
   *
   * @param service the fully qualified name of the service interface
   * @param addMethod the add method's name (for example {@code addPriceListener}) or exact key
   * @param onEvent called with the listener method's name and its arguments as a JSON array, on the
   *     connection's callback thread, one event at a time in the order the server sent them
   * @return the subscription; {@link DynamicSubscription#close()} unsubscribes
   * @throws IllegalArgumentException if the method is not a listener add method, or its name is
   *     overloaded
   * @throws WitRemoteException 404 if the service or method does not exist
   */
  public DynamicSubscription subscribe(
      String service, String addMethod, BiConsumer<String, JsonNode> onEvent) {
    Objects.requireNonNull(service, "service == null");
    Objects.requireNonNull(addMethod, "addMethod == null");
    Objects.requireNonNull(onEvent, "onEvent == null");
    ServiceDescription s = service(service);
    List<MethodDescription> candidates =
        isKey(addMethod)
            ? s.methods().stream().filter(m -> m.key().equals(addMethod)).toList()
            : s.methods(addMethod);
    MethodDescription add = only(s, addMethod, candidates, "listener add method");
    if (!add.listenerAdd()) {
      throw new IllegalArgumentException(
          simpleName(service)
              + "."
              + add.signature()
              + " is not a listener add method (addXxx(listener))");
    }
    JsonListener listener =
        new JsonListener(add.listenerInterface(), add.listenerMethods(), onEvent);
    MethodDescriptor d =
        MethodDescriptor.dynamic(service, add.key(), MethodDescriptor.Kind.SUBSCRIBE);
    // before subscribing: if the remove key cannot be made, no subscription may be left behind
    MethodDescriptor remove =
        MethodDescriptor.dynamic(
            service,
            ListenerMethods.removeKey(add.name(), add.listenerInterface()),
            MethodDescriptor.Kind.UNSUBSCRIBE);
    long id = calls.subscribe(d, d.route().toBytes(), listener);
    return new Subscription(listener.listenerInterface(), remove, id);
  }

  /** A subscription made by {@link #subscribe}. Thread safety: safe for concurrent use. */
  private final class Subscription implements DynamicSubscription {
    private final String listenerInterface;
    private final MethodDescriptor remove;
    private final long id;
    private final AtomicBoolean closed = new AtomicBoolean();

    Subscription(String listenerInterface, MethodDescriptor remove, long id) {
      this.listenerInterface = listenerInterface;
      this.remove = remove;
      this.id = id;
    }

    @Override
    public String listenerInterface() {
      return listenerInterface;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        calls.unsubscribeId(remove, remove.route().toBytes(), id);
      }
    }

    @Override
    public String toString() {
      return "dynamic subscription #" + id + " of " + listenerInterface;
    }
  }

  /** A decoded value as a JSON tree: {@link NullNode} for null. */
  static JsonNode tree(Object value) {
    return value == null ? NullNode.getInstance() : (JsonNode) value;
  }

  private static Object[] arguments(JsonNode args) {
    if (args == null || args.isNull()) {
      return new Object[0];
    }
    if (!args.isArray()) {
      throw new IllegalArgumentException(
          "the arguments must be a JSON array, for example [1, \"two\"], not " + args);
    }
    List<JsonNode> values = new ArrayList<>(args.size());
    args.forEach(values::add);
    return values.toArray();
  }

  /**
   * Turns the Base64 text given for a {@code byte[]} parameter (its type is in the key) into bytes,
   * so that MessagePack sends them as binary, as a typed call does (a MessagePack string would be
   * read as its UTF-8 bytes); JSON writes them back as the same Base64 text.
   *
   * @throws IllegalArgumentException if such an argument is not Base64
   */
  private static void binaryArguments(MethodDescriptor d, Object[] values) {
    List<String> types = MethodDescriptor.keyParameterTypes(d.key());
    for (int i = 0; i < values.length && i < types.size(); i++) {
      if (types.get(i).equals("byte[]") && values[i] instanceof TextNode text) {
        try {
          values[i] = BinaryNode.valueOf(Base64Variants.getDefaultVariant().decode(text.asText()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              d.displayName()
                  + ": argument "
                  + (i + 1)
                  + " (byte[]) is not Base64: "
                  + e.getMessage(),
              e);
        }
      }
    }
  }

  private static boolean isKey(String method) {
    return method.indexOf('(') >= 0;
  }

  private boolean isIdempotent(String service, String key) {
    ServerDescription d = described;
    return d != null
        && d.service(service).stream()
            .flatMap(s -> s.methods().stream())
            .anyMatch(m -> m.key().equals(key) && m.idempotent());
  }

  private ServiceDescription service(String service) {
    ServerDescription d = description();
    return d.service(service)
        .orElseThrow(
            () ->
                notFound(
                    "no service "
                        + service
                        + " on this server; it offers: "
                        + d.services().stream()
                            .map(ServiceDescription::interfaceName)
                            .collect(Collectors.joining(", "))));
  }

  /** The overload of {@code name} that takes {@code arity} arguments. */
  private MethodDescription pick(String service, String name, int arity) {
    ServiceDescription s = service(service);
    List<MethodDescription> named = s.methods(name);
    List<MethodDescription> fitting = named.stream().filter(m -> m.arity() == arity).toList();
    if (named.isEmpty() || fitting.size() == 1) {
      return only(s, name, fitting, "method");
    }
    throw new IllegalArgumentException(
        simpleName(service)
            + "."
            + name
            + (fitting.isEmpty()
                ? " takes no " + arity + " arguments; its overloads: "
                : " has " + fitting.size() + " overloads of " + arity + " arguments: ")
            + keyedSignatures(fitting.isEmpty() ? named : fitting)
            + "; name one by its key");
  }

  /** The one method among {@code candidates}; 404 if none, an error listing them if several. */
  private static MethodDescription only(
      ServiceDescription s, String name, List<MethodDescription> candidates, String what) {
    if (candidates.isEmpty()) {
      throw notFound(
          "no "
              + what
              + " "
              + name
              + " in service "
              + s.interfaceName()
              + "; its methods: "
              + signatures(s.methods()));
    }
    if (candidates.size() > 1) {
      throw new IllegalArgumentException(
          simpleName(s.interfaceName())
              + "."
              + name
              + " is overloaded: "
              + keyedSignatures(candidates)
              + "; name one by its key");
    }
    return candidates.get(0);
  }

  private static String signatures(List<MethodDescription> methods) {
    return methods.stream().map(MethodDescription::signature).collect(Collectors.joining(", "));
  }

  /** Each overload with the key that names it: {@code echo(int arg0) [key echo(int)]}. */
  private static String keyedSignatures(List<MethodDescription> methods) {
    return methods.stream()
        .map(m -> m.signature() + " [key " + m.key() + "]")
        .collect(Collectors.joining(", "));
  }

  private static String simpleName(String service) {
    return service.substring(service.lastIndexOf('.') + 1);
  }

  private static WitRemoteException notFound(String message) {
    return new WitRemoteException(null, Status.NOT_FOUND.code(), null, message, null);
  }

  @Override
  public String toString() {
    return "DynamicClient{" + calls + "}";
  }
}
