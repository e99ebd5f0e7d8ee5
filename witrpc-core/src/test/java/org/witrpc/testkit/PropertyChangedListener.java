package org.witrpc.testkit;

import org.witrpc.Listener;

/** Fired once per property set, for the getter/setter test of the shared RPC contract. */
@Listener
public interface PropertyChangedListener {
  void onPropertyChanged(String property, Object value);
}
