package org.witrpc;

/** A listener with simple arguments, for event tests of the shared RPC contract. */
@Listener
public interface ProgressListener {
  void onProgress(int percent, String stage);
}
