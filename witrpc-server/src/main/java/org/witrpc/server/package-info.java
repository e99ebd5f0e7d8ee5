/**
 * The witrpc server: {@link org.witrpc.server.WitServer} and its builder. Everything else in this
 * package is package-private machinery (handshake, dispatch, subscriptions, callback stubs).
 */
package org.witrpc.server;
