/**
 * The benchmark harness and the demo ({@code witrpc-bench/bench.sh}, {@code demo.sh}). Not a
 * library: nothing here is API.
 */
package org.witrpc.bench;
