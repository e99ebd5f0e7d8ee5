package org.witrpc.testkit;

import org.witrpc.Listener;

/** A listener with simple arguments, for event tests of the shared RPC contract. */
@Listener
public interface ProgressListener {
  void onProgress(int percent, String stage);
}
