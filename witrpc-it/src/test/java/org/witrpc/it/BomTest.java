package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The BOM (witrpc-bom, which has no parent so that it manages nothing but witrpc) keeps up with the
 * build: its version is the parent's, and it manages every library module of the reactor at that
 * version.
 */
class BomTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void managesEveryLibraryModuleAtTheProjectVersion() throws Exception {
    Document parent = read(ROOT.resolve("pom.xml"));
    Document bom = read(ROOT.resolve("witrpc-bom/pom.xml"));
    String version = childText(parent.getDocumentElement(), "version");

    assertThat(childText(bom.getDocumentElement(), "version")).isEqualTo(version);
    List<String> libraries = new ArrayList<>();
    NodeList modules = parent.getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      String module = modules.item(i).getTextContent().trim();
      // examples/... and witrpc-jmh: built and tested, never published; witrpc-cli: a tool (one
      // runnable jar), not a library an application depends on
      if (!List.of("witrpc-bom", "witrpc-it", "witrpc-bench", "witrpc-jmh", "witrpc-cli")
              .contains(module)
          && !module.startsWith("examples/")) {
        libraries.add(module);
      }
    }
    List<String> managed = new ArrayList<>();
    NodeList dependencies = bom.getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      assertThat(childText(dependency, "groupId")).isEqualTo("org.witrpc");
      assertThat(childText(dependency, "version")).isEqualTo("${project.version}");
      managed.add(childText(dependency, "artifactId"));
    }
    assertThat(libraries).isNotEmpty();
    assertThat(managed).containsExactlyInAnyOrderElementsOf(libraries);
  }

  private static Document read(Path pom) throws Exception {
    assertThat(pom).exists();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try (var in = Files.newInputStream(pom)) {
      return factory.newDocumentBuilder().parse(in);
    }
  }

  private static String childText(Element element, String name) {
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    throw new AssertionError("<" + name + "> missing in <" + element.getTagName() + ">");
  }
}
