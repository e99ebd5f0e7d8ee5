package org.witrpc.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.witrpc.MethodDescription;
import org.witrpc.internal.Route;
import org.witrpc.spi.Serializer;

/**
 * The listener of a {@link DynamicClient} subscription: takes the events of one listener interface,
 * known by its description rather than its class, and hands each to the application as its method
 * name and its arguments as a JSON array.
 *
 * <p>Thread safety: immutable; called by one connection's callback thread at a time.
 */
final class JsonListener {
  /** One decoded event: the listener method's name and its arguments. */
  record Event(String method, ArrayNode arguments) {}

  private final String listenerInterface;
  private final Map<String, MethodDescription> events = new LinkedHashMap<>();
  private final BiConsumer<String, JsonNode> onEvent;

  JsonListener(
      String listenerInterface,
      Iterable<MethodDescription> listenerMethods,
      BiConsumer<String, JsonNode> onEvent) {
    this.listenerInterface = listenerInterface;
    for (MethodDescription m : listenerMethods) {
      events.put(m.key(), m);
    }
    this.onEvent = onEvent;
  }

  String listenerInterface() {
    return listenerInterface;
  }

  /**
   * Decodes a CALLBACK's arguments (the body after its route) as JSON trees.
   *
   * @return the event, or empty if the route names no method of this listener interface
   * @throws org.witrpc.WitSerializationException if the arguments cannot be decoded
   */
  Optional<Event> decode(Route route, ByteBuffer body, Serializer serializer) {
    MethodDescription m = events.get(route.method());
    if (m == null || !route.service().equals(listenerInterface)) {
      return Optional.empty();
    }
    Type[] types = new Type[m.arity()];
    Arrays.fill(types, JsonNode.class);
    ArrayNode arguments = JsonNodeFactory.instance.arrayNode(types.length);
    for (Object value : serializer.read(body, types)) {
      arguments.add(DynamicClient.tree(value));
    }
    return Optional.of(new Event(m.name(), arguments));
  }

  /** Hands an event to the application. */
  void deliver(Event event) {
    onEvent.accept(event.method(), event.arguments());
  }

  @Override
  public String toString() {
    return "JSON listener of " + listenerInterface;
  }
}
