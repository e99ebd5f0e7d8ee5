package org.witrpc.transport.pipes;

import java.nio.file.Path;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.PeerPolicy;
import org.witrpc.spi.RuntimeDirectory;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportProvider;
import org.witrpc.testkit.AbstractLocalTransportTest;

/** The pipe transport keeps the promises of a local transport about its socket and its peers. */
class PipeLocalTransportTest extends AbstractLocalTransportTest {

  @Override
  protected String scheme() {
    return "pipe";
  }

  @Override
  protected TransportProvider provider() {
    return new PipeTransportProvider();
  }

  @Override
  protected ServerTransport newServer(String name, PeerPolicy policy) {
    return PipeTransport.server(name).peerPolicy(policy).build();
  }

  @Override
  protected ClientTransport newClient(String name, PeerPolicy policy) {
    return PipeTransport.client(name).peerPolicy(policy).build();
  }

  @Override
  protected Path socketPath(String name) {
    return RuntimeDirectory.defaultDirectory().resolve(name + ".sock");
  }
}
