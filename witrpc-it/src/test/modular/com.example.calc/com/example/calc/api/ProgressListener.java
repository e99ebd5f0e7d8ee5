package com.example.calc.api;

import org.witrpc.Listener;

/** Events from the server to the client. */
@Listener
public interface ProgressListener {
  void onProgress(int percent);
}
