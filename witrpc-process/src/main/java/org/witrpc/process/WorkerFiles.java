package org.witrpc.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what a dead worker may have left in the runtime directory: its listening socket ({@code
 * NAME.sock} for {@code pipe://}, {@code NAME.mmf.sock} for {@code mmf://}) and shared-memory files
 * it had not yet unlinked ({@code NAME.<32 hex digits>.mmf}). The names are the transports'; a
 * worker's name is fresh and unguessable, so nothing else matches.
 *
 * <p>Thread safety: stateless.
 */
final class WorkerFiles {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerFiles.class);

  private WorkerFiles() {}

  /** Deletes the files of the transport name {@code name} in {@code directory}; best effort. */
  static void remove(Path directory, String name) {
    delete(directory.resolve(name + ".sock"));
    delete(directory.resolve(name + ".mmf.sock"));
    try (DirectoryStream<Path> mappings = Files.newDirectoryStream(directory, name + ".*.mmf")) {
      for (Path mapping : mappings) {
        if (mapping.getFileName().toString().matches(".*\\.[0-9a-f]{32}\\.mmf")) {
          delete(mapping);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", directory, e.toString());
    }
  }

  private static void delete(Path file) {
    try {
      if (Files.deleteIfExists(file)) {
        LOG.debug("removed {} of a dead worker", file);
      }
    } catch (IOException e) {
      LOG.warn("cannot remove {} of a dead worker: {}", file, e.toString());
    }
  }
}
