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
 * build: its version is the parent's, and it manages every published library module of the reactor
 * at that version. What is published is what Maven Central needs: a sources and a javadoc jar next
 * to every jar, and the release profile in the BOM too.
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
    for (String module : publishedModules(parent)) {
      if (!module.equals("witrpc-bom")) {
        libraries.add(module);
      }
    }
    List<String> managed = new ArrayList<>();
    List<String> managedTestJars = new ArrayList<>();
    NodeList dependencies = bom.getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      assertThat(childText(dependency, "groupId")).isEqualTo("org.witrpc");
      assertThat(childText(dependency, "version")).isEqualTo("${project.version}");
      String type = optionalChildText(dependency, "type", "jar");
      (type.equals("test-jar") ? managedTestJars : managed)
          .add(childText(dependency, "artifactId"));
    }
    assertThat(libraries).isNotEmpty();
    assertThat(managed).containsExactlyInAnyOrderElementsOf(libraries);
    // the test-jars of the modules that publish one: the suites a new transport proves itself with
    List<String> testJars = new ArrayList<>();
    for (String module : libraries) {
      if (Files.readString(ROOT.resolve(module).resolve("pom.xml"))
          .contains("<goal>test-jar</goal>")) {
        testJars.add(module);
      }
    }
    assertThat(testJars).contains("witrpc-core", "witrpc-client");
    assertThat(managedTestJars).containsExactlyInAnyOrderElementsOf(testJars);
  }

  @Test
  void onlyTheLibrariesArePublished() throws Exception {
    // examples/... and witrpc-jmh: built and tested, never published; witrpc-cli: a tool (one
    // runnable jar), not a library an application depends on
    assertThat(publishedModules(read(ROOT.resolve("pom.xml"))))
        .contains("witrpc-bom", "witrpc-core", "witrpc-spring-boot-starter")
        .doesNotContain(
            "witrpc-it", "witrpc-bench", "witrpc-jmh", "witrpc-cli", "examples/spring-boot");
  }

  @Test
  void everyPublishedJarHasItsSourcesAndJavadocJars() throws Exception {
    for (String module : publishedModules(read(ROOT.resolve("pom.xml")))) {
      Document pom = read(ROOT.resolve(module).resolve("pom.xml"));
      if (optionalChildText(pom.getDocumentElement(), "packaging", "jar").equals("pom")) {
        continue;
      }
      // maven-source-plugin and maven-javadoc-plugin make them unless skipped; then the module
      // makes them with the jar plugin (witrpc-spring-boot-starter, which has no code)
      List<String> classifiers = new ArrayList<>();
      NodeList names = pom.getElementsByTagName("classifier");
      for (int i = 0; i < names.getLength(); i++) {
        if (((Element) names.item(i).getParentNode()).getTagName().equals("configuration")) {
          classifiers.add(names.item(i).getTextContent().trim());
        }
      }
      if (property(pom, "maven.source.skip").equals("true")) {
        assertThat(classifiers).as(module + "'s sources jar").contains("sources");
      }
      if (property(pom, "maven.javadoc.skip").equals("true")) {
        assertThat(classifiers).as(module + "'s javadoc jar").contains("javadoc");
      }
    }
  }

  @Test
  void theBomIsBuiltAndReleasedWithTheParentsPlugins() throws Exception {
    Document parent = read(ROOT.resolve("pom.xml"));
    Document bom = read(ROOT.resolve("witrpc-bom/pom.xml"));
    Element parentBuild = child(parent.getDocumentElement(), "build");
    NodeList plugins = bom.getElementsByTagName("plugin");
    assertThat(plugins.getLength()).isPositive();
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      String artifactId = childText(plugin, "artifactId");
      assertThat(childText(plugin, "version"))
          .as(artifactId)
          .isEqualTo(childText(plugin(parentBuild, artifactId), "version"));
    }
    Element bomRelease = releaseProfile(bom);
    assertThat(plugin(bomRelease, "maven-gpg-plugin")).isNotNull();
    assertThat(plugin(bomRelease, "central-publishing-maven-plugin")).isNotNull();
    Element parentRelease = releaseProfile(parent);
    assertThat(plugin(parentRelease, "maven-gpg-plugin")).isNotNull();
    Element publishing = plugin(parentRelease, "central-publishing-maven-plugin");
    assertThat(childText(child(publishing, "configuration"), "skipPublishing"))
        .isEqualTo("${maven.deploy.skip}");
  }

  /** The parent's modules that do not set maven.deploy.skip (witrpc-bom included). */
  private static List<String> publishedModules(Document parent) throws Exception {
    List<String> published = new ArrayList<>();
    NodeList modules = parent.getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      String module = modules.item(i).getTextContent().trim();
      if (!property(read(ROOT.resolve(module).resolve("pom.xml")), "maven.deploy.skip")
          .equals("true")) {
        published.add(module);
      }
    }
    return published;
  }

  /** A property the POM sets itself, outside profiles; "" when it does not. */
  private static String property(Document pom, String name) {
    for (Node child = pom.getDocumentElement().getFirstChild();
        child != null;
        child = child.getNextSibling()) {
      if (child instanceof Element e && e.getTagName().equals("properties")) {
        return optionalChildText(e, name, "");
      }
    }
    return "";
  }

  private static Element releaseProfile(Document pom) {
    NodeList profiles = pom.getElementsByTagName("profile");
    for (int i = 0; i < profiles.getLength(); i++) {
      Element profile = (Element) profiles.item(i);
      if (childText(profile, "id").equals("release")) {
        return profile;
      }
    }
    throw new AssertionError("no release profile");
  }

  /** The first plugin of that artifactId in {@code within}, with a version if any names one. */
  private static Element plugin(Element within, String artifactId) {
    NodeList plugins = within.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if (childText(plugin, "artifactId").equals(artifactId)
          && !optionalChildText(plugin, "version", "").isEmpty()) {
        return plugin;
      }
    }
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if (childText(plugin, "artifactId").equals(artifactId)) {
        return plugin;
      }
    }
    throw new AssertionError(artifactId + " missing");
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
    return child(element, name).getTextContent().trim();
  }

  private static String optionalChildText(Element element, String name, String otherwise) {
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    return otherwise;
  }

  private static Element child(Element element, String name) {
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("<" + name + "> missing in <" + element.getTagName() + ">");
  }
}
