package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** A method known only by its service name and key ({@link MethodDescriptor#dynamic}). */
class DynamicMethodDescriptorTest {

  @Test
  void takesNameAndArityFromTheKeyAndJsonTreesForValues() {
    MethodDescriptor d =
        MethodDescriptor.dynamic(
            "com.acme.Calc", "add(int,java.util.List)", MethodDescriptor.Kind.CALL);

    assertThat(d.serviceName()).isEqualTo("com.acme.Calc");
    assertThat(d.methodName()).isEqualTo("add");
    assertThat(d.displayName()).isEqualTo("Calc.add(int,java.util.List)");
    assertThat(d.parameterTypes()).containsExactly(JsonNode.class, JsonNode.class);
    assertThat(d.resultType()).isEqualTo(JsonNode.class);
    assertThat(d.javaMethod()).isNull();
    assertThat(d.async()).isFalse();
    assertThat(d.route()).isEqualTo(new Route("com.acme.Calc", "add(int,java.util.List)"));
    assertThat(MethodDescriptor.dynamic("C", "now()", MethodDescriptor.Kind.CALL).parameterTypes())
        .isEmpty();
  }

  @Test
  void aKeyWithoutParenthesesIsRefused() {
    assertThatThrownBy(() -> MethodDescriptor.dynamic("C", "add", MethodDescriptor.Kind.CALL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a method key: 'add'");
    assertThatThrownBy(() -> MethodDescriptor.dynamic("C", "(int)", MethodDescriptor.Kind.CALL))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRemoveKeyPairsWithAnAddMethodByName() {
    assertThat(ListenerMethods.removeKey("addTickListener", "a.Tick"))
        .isEqualTo("removeTickListener(a.Tick)");
    assertThatThrownBy(() -> ListenerMethods.removeKey("getName", "a.Tick"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
