/**
 * The witrpc client: {@link org.witrpc.client.WitClient} and its builder, the connection states and
 * their listener, and the reconnect and retry policies. Everything else in this package is
 * package-private machinery (connector, pending calls, proxies, subscriptions).
 */
package org.witrpc.client;
