package org.witrpc.testkit;

import java.time.OffsetDateTime;
import java.util.List;
import org.witrpc.Listener;

/** A listener with generic, record and java.time arguments. */
@Listener
public interface ComplexListener {
  void onComplex(ComplexNumber<String, Long> value, List<Color> colors, OffsetDateTime at);
}
