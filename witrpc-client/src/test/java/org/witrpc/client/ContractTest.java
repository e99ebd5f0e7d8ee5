package org.witrpc.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test of a contract suite ({@link RpcContractHarness}): run once per {@link
 * RpcContractHarness.Variant}, each run named after its variant ({@code "echoesSimpleValues() json,
 * encrypted"}) and counted among its class's tests.
 *
 * <p>A test template rather than a {@code @ParameterizedClass}: Surefire 3.5 reports the runs of a
 * parameterized class as nested test sets of one class, so that its report says {@code tests="0"}
 * and names the runs {@code [1]}..{@code [4]} only (maven-surefire issue 3439).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(ContractVariants.class)
public @interface ContractTest {}
