package com.example;

import org.witrpc.Listener;

/** Progress events of {@link Calculator}. */
@Listener
public interface ProgressListener {
  void onProgress(int percent);
}
