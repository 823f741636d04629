package dev.finetune.data.tools.convert;

import dev.finetune.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Pascal VOC annotations: one XML file per image ({@code <annotation><filename>} and
 * {@code <object><name><difficult><bndbox><xmin>...}, pixel coordinates), read from a folder (all
 * {@code *.xml}, sorted) or a single file. Classes get ids 1.. in name order.
 */
public final class VocAnnotations {
  private VocAnnotations() {}

  public static SourceDataset read(Path dirOrFile) throws IOException {
    List<Path> files;
    if (Files.isDirectory(dirOrFile)) {
      try (Stream<Path> s = Files.list(dirOrFile)) {
        files = s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".xml")).sorted().toList();
      }
      if (files.isEmpty()) {
        throw new DataException("no .xml files in " + dirOrFile + " (expected Pascal VOC annotations)");
      }
    } else {
      files = List.of(dirOrFile);
    }
    DocumentBuilder builder = newBuilder();
    List<SourceDataset.Image> images = new ArrayList<>();
    TreeSet<String> labels = new TreeSet<>();
    for (Path file : files) {
      Document doc;
      try {
        doc = builder.parse(file.toFile());
      } catch (SAXException e) {
        String line = e instanceof org.xml.sax.SAXParseException p && p.getLineNumber() > 0
            ? ":" + p.getLineNumber() : "";
        throw new DataException(file + line + ": not valid XML (" + e.getMessage() + ")");
      }
      Element root = doc.getDocumentElement();
      String filename = text(root, "filename");
      if (filename.isEmpty()) {
        throw new DataException(file + ": no <filename> element");
      }
      List<SourceDataset.Box> boxes = new ArrayList<>();
      NodeList objects = root.getElementsByTagName("object");
      for (int i = 0; i < objects.getLength(); i++) {
        Element obj = (Element) objects.item(i);
        String where = file.getFileName() + " object " + i;
        String name = text(obj, "name");
        Element box = first(obj, "bndbox");
        if (box == null) {
          throw new DataException(file + ": object " + i + " (" + name + ") has no <bndbox>");
        }
        double[] v = new double[4];
        String[] keys = {"xmin", "ymin", "xmax", "ymax"};
        for (int k = 0; k < 4; k++) {
          String s = text(box, keys[k]);
          try {
            v[k] = Double.parseDouble(s);
          } catch (NumberFormatException e) {
            throw new DataException(file + ": object " + i + " <" + keys[k] + "> '" + s + "' is not a number");
          }
        }
        labels.add(name);
        boxes.add(new SourceDataset.Box(v[0], v[1], v[2], v[3], false, name,
            "1".equals(text(obj, "difficult")), false, where));
      }
      images.add(new SourceDataset.Image(filename, boxes, file.getFileName().toString()));
    }
    List<SourceDataset.Category> categories = new ArrayList<>();
    for (String label : labels) {
      categories.add(new SourceDataset.Category(categories.size() + 1, label));
    }
    return new SourceDataset(images, categories);
  }

  private static DocumentBuilder newBuilder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      DocumentBuilder builder = f.newDocumentBuilder();
      // The default handler also prints "[Fatal Error] ..." to stderr; the DataException says it once.
      builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
        @Override
        public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
          throw e;
        }
      });
      return builder;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser is unavailable", e);
    }
  }

  private static Element first(Element parent, String tag) {
    NodeList l = parent.getElementsByTagName(tag);
    return l.getLength() == 0 ? null : (Element) l.item(0);
  }

  private static String text(Element parent, String tag) {
    Element e = first(parent, tag);
    return e == null ? "" : e.getTextContent().strip();
  }
}
