package io.keel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * keel-bom has no parent, so nothing makes its version follow the project's but this test: it
 * must carry the parent's version and manage every library module a user depends on.
 */
class BillOfMaterialsTest {

  /** Maven runs a module's tests in the module's directory. */
  private static final Path ROOT = Path.of("..");

  @Test
  void the_bom_has_the_projects_version_and_lists_every_library_module() throws Exception {
    Document parent = parse(ROOT.resolve("pom.xml"));
    Document bom = parse(ROOT.resolve("keel-bom/pom.xml"));
    assertEquals(childText(parent.getDocumentElement(), "version"), childText(bom.getDocumentElement(), "version"),
        "keel-bom's version is the project's");
    List<String> managed = new ArrayList<>();
    NodeList dependencies = bom.getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      assertEquals("io.keel", childText(dependency, "groupId"));
      assertEquals("${project.version}", childText(dependency, "version"));
      managed.add(childText(dependency, "artifactId"));
    }
    for (String library : List.of("raft-core", "raft-transport-netty", "raft-sim")) {
      assertTrue(Files.exists(ROOT.resolve(library).resolve("pom.xml")), library + " is a module of the build");
      assertTrue(managed.contains(library), "keel-bom manages " + library + ": " + managed);
    }
  }

  private static Document parse(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(pom.toFile());
  }

  /** The text of {@code element}'s direct child named {@code name}, or null. */
  private static String childText(Element element, String name) {
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    return null;
  }
}
