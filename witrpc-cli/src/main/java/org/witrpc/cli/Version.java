package org.witrpc.cli;

import picocli.CommandLine.IVersionProvider;

/** The tool's version: the jar's implementation version, or "dev" when run from classes. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Witrpc.class.getPackage().getImplementationVersion();
    return new String[] {"witrpc " + (version == null ? "dev" : version)};
  }
}
