package org.witrpc.bench;

import java.rmi.Remote;
import java.rmi.RemoteException;

/**
 * The peer benchmark: Java RMI over loopback, the JDK's own RPC, with the methods of {@link
 * BenchService} that RMI can express.
 *
 * <p>Thread safety: implementations must be thread-safe.
 */
public interface RmiBenchService extends Remote {
  /** {@code a + b}. */
  int add(int a, int b) throws RemoteException;

  /** Returns {@code text} unchanged. */
  String echo(String text) throws RemoteException;

  /** Returns {@code data} unchanged. */
  byte[] echoBytes(byte[] data) throws RemoteException;
}
