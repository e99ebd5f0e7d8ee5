package org.witrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.witrpc.Listener;

class ListenerMethodsTest {

  @Listener
  public interface Tick {
    void onTick(long n);
  }

  public interface Clock {
    void addTickListener(Tick listener);

    void removeTickListener(Tick listener);

    void addAlarmListener(Tick listener);

    void removeAlarmListener(Tick listener);

    void add(Tick listener);

    void remove(Tick listener);

    int now();
  }

  public interface OtherClock {
    void removeTickListener(Tick listener);
  }

  private static final Map<String, MethodDescriptor> CLOCK = MethodDescriptor.allOf(Clock.class);
  private static final String TICK = "(" + Tick.class.getName() + ")";

  private static MethodDescriptor clock(String key) {
    return CLOCK.get(key);
  }

  @Test
  void namesDecideTheKindOfAMethodThatTakesAListener() {
    assertThat(clock("addTickListener" + TICK).kind()).isEqualTo(MethodDescriptor.Kind.SUBSCRIBE);
    assertThat(clock("removeTickListener" + TICK).kind())
        .isEqualTo(MethodDescriptor.Kind.UNSUBSCRIBE);
    assertThat(clock("add" + TICK).kind()).isEqualTo(MethodDescriptor.Kind.SUBSCRIBE);
    assertThat(clock("now()").kind()).isEqualTo(MethodDescriptor.Kind.CALL);
  }

  @Test
  void theRemoveKeyIsTheKeyOfThePairedRemoveMethod() {
    assertThat(ListenerMethods.removeKey(clock("addTickListener" + TICK)))
        .isEqualTo("removeTickListener" + TICK)
        .isEqualTo(clock("removeTickListener" + TICK).key());
    assertThat(ListenerMethods.removeKey(clock("add" + TICK))).isEqualTo("remove" + TICK);
  }

  @Test
  void onlyTheRemoveMethodOfTheSameNameAndInterfacePairs() {
    MethodDescriptor addTick = clock("addTickListener" + TICK);
    assertThat(ListenerMethods.pairs(addTick, clock("removeTickListener" + TICK))).isTrue();
    assertThat(ListenerMethods.pairs(addTick, clock("removeAlarmListener" + TICK))).isFalse();
    assertThat(ListenerMethods.pairs(addTick, clock("remove" + TICK))).isFalse();
    MethodDescriptor otherRemove =
        MethodDescriptor.allOf(OtherClock.class).get("removeTickListener" + TICK);
    assertThat(ListenerMethods.pairs(addTick, otherRemove)).as("another interface").isFalse();
    assertThat(ListenerMethods.pairs(clock("removeTickListener" + TICK), addTick))
        .as("reversed")
        .isFalse();
    assertThat(ListenerMethods.pairs(clock("now()"), clock("removeTickListener" + TICK))).isFalse();
  }

  @Test
  void aMethodThatIsNoAddMethodHasNoRemoveKey() {
    assertThatThrownBy(() -> ListenerMethods.removeKey(clock("removeTickListener" + TICK)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Clock.removeTickListener(Tick) is not a listener add method");
  }
}
