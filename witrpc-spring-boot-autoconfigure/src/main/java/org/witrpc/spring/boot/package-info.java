/**
 * Spring Boot auto-configuration for witrpc: a {@link org.witrpc.server.WitServer} from {@code
 * witrpc.server.*} serving the beans annotated {@link org.witrpc.spring.boot.WitService}, named
 * {@link org.witrpc.client.WitClient}s from {@code witrpc.client.NAME.*} handed out by {@link
 * org.witrpc.spring.boot.WitClients} and {@link org.witrpc.spring.boot.WitProxy} fields, started
 * and stopped with the application context, and Actuator health for both.
 */
package org.witrpc.spring.boot;
