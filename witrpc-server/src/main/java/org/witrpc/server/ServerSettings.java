package org.witrpc.server;

import java.util.concurrent.Executor;
import org.witrpc.internal.WarningThrottle;
import org.witrpc.spi.Serializer;

/**
 * What every connection of one server shares. Immutable (the lifecycle is thread-safe).
 *
 * @param registry the method table
 * @param serializer the agreed serializer
 * @param encryption whether the server demands encryption
 * @param tokenCheck accepts or refuses the token of AUTH ("" means none); may bind it into the keys
 * @param executor runs requests when dispatch is EXECUTOR, and the removal of listeners
 * @param dispatch where requests run
 * @param sendStackTraces whether a 500 carries the server's stack trace
 * @param maxConcurrentCalls requests of one connection in flight at once; more get 503
 * @param lifecycle the live connections, and whether new connections and calls are taken
 * @param handshakeTimer drops connections that are not READY within the handshake timeout
 * @param maxSubscriptions listener subscriptions of one connection at once; more get 400
 * @param peerCheck accepts or refuses the identity the transport authenticated for the peer
 * @param interceptors run around every call, or null if none is installed
 * @param maxMetadataBytes largest metadata block of a REQUEST; announced in HELLO_ACK
 * @param peerWarnings what is logged about peers that are not READY (handshake timeouts and
 *     violations, refused tokens and identities): one line of a kind at a time, more at DEBUG
 */
record ServerSettings(
    ServiceRegistry registry,
    Serializer serializer,
    boolean encryption,
    TokenCheck tokenCheck,
    Executor executor,
    Dispatch dispatch,
    boolean sendStackTraces,
    int maxConcurrentCalls,
    ServerLifecycle lifecycle,
    HandshakeTimer handshakeTimer,
    int maxSubscriptions,
    PeerCheck peerCheck,
    ServerInterceptors interceptors,
    int maxMetadataBytes,
    WarningThrottle peerWarnings) {}
