package org.witrpc.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects into a field the proxy of its interface from the client named {@link #value()} (the
 * {@code NAME} of {@code witrpc.client.NAME.uri}):
 *
 * <pre>{@code
 * @WitProxy("calc")
 * private Calculator calc;
 * }</pre>
 *
 * <p>For constructor injection take {@link WitClients} and call {@link WitClients#service(String,
 * Class)}. An unknown client name or a field whose type is not an interface fails at startup,
 * naming the bean and the field.
 *
 * <p>Thread safety: an annotation; immutable. The fields it marks are set once, at startup.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WitProxy {
  /** The client's name, as in {@code witrpc.client.NAME.uri}. */
  String value();
}
