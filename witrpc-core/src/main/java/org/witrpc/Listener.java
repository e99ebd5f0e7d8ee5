package org.witrpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a callback interface. A service method {@code addXxx(L)} whose only parameter is an
 * interface annotated {@code @Listener} subscribes the client's listener; the matching {@code
 * removeXxx(L)} unsubscribes it. Listener methods must return {@code void}; they are invoked on the
 * client, in the order the server sent them, on a thread that is not the transport's reader.
 *
 * <p>Thread safety: an annotation; immutable. The events of one connection reach its listeners one
 * at a time, in order; a listener subscribed through several clients must be thread-safe.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Listener {}
