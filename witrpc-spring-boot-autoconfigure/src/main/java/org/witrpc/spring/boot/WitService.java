package org.witrpc.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Spring bean that the auto-configured witrpc server exposes. The bean is served under the
 * interfaces named in {@link #value()}; without any, under the one interface its class implements
 * (interfaces of {@code java.*}, {@code jakarta.*} and Spring are not counted), and a class with
 * several must name the ones to serve.
 *
 * <pre>{@code
 * @Component
 * @WitService
 * class CalculatorImpl implements Calculator { ... }
 * }</pre>
 *
 * <p>A bean so marked asks for a server: {@code witrpc.server.uri} must then be set, else the
 * application fails at startup naming the property. Service beans are called from many threads at
 * once and must be thread-safe.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WitService {
  /** The witrpc interfaces to serve the bean under; empty: the one interface it implements. */
  Class<?>[] value() default {};
}
