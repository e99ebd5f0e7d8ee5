/**
 * The witrpc API every application uses: the exceptions ({@link org.witrpc.WitException} and its
 * subtypes) and remote status codes ({@link org.witrpc.Status}), the serializers ({@link
 * org.witrpc.Serializers}), the {@link org.witrpc.Listener} and {@link org.witrpc.Idempotent}
 * annotations for service interfaces, transport lookup by URI ({@link org.witrpc.Transports}) and
 * the in-process transport ({@link org.witrpc.MemTransport}).
 *
 * <p>Servers and clients are built with {@code org.witrpc.server.WitServer} and {@code
 * org.witrpc.client.WitClient} from the witrpc-server and witrpc-client artifacts.
 */
package org.witrpc;
