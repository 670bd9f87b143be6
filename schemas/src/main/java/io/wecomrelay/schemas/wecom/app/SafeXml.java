package io.wecomrelay.schemas.wecom.app;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads WeCom's XML into a JSON object, refusing everything an attacker could use against the parser. A DOCTYPE
 * is an error (so no entity of any kind is declared: no "billion laughs", no external entity, no DTD fetch),
 * nothing outside the document is ever resolved, and the input's size, nesting depth and element count are
 * bounded before and while it is read. WeCom's messages are flat, with a few small nested blocks
 * ({@code SelectedItems}, {@code ScanCodeInfo}, {@code SendPicsInfo}), far inside the bounds.
 *
 * <p>The JSON keeps element names and text as received: an element with child elements becomes an object, one
 * without becomes its text (CDATA or not), a name that repeats becomes an array. Attributes are ignored (WeCom
 * sends none). Thread-safe.
 */
public final class SafeXml {

    /** The largest XML document read. */
    public static final int MAX_BYTES = 64 * 1024;
    static final int MAX_DEPTH = 6;
    static final int MAX_ELEMENTS = 256;

    private static final DocumentBuilderFactory FACTORY = factory();
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(SafeXml::newBuilder);
    private static final ErrorHandler FAIL = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // warnings (none are expected without a DTD) do not make a document unreadable
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private SafeXml() {
    }

    /**
     * The children of the root element {@code <xml>} as a JSON object.
     *
     * @throws AppXmlException when the document is over {@link #MAX_BYTES}, not well-formed, has a DOCTYPE, another
     *                         root, or is deeper or larger than the bounds
     */
    public static ObjectNode read(byte[] xml) {
        if (xml.length > MAX_BYTES) {
            throw new AppXmlException("xml of " + xml.length + " bytes, over " + MAX_BYTES);
        }
        Element root = parse(xml);
        if (!"xml".equals(root.getNodeName())) {
            throw new AppXmlException("root element is not <xml>");
        }
        var budget = new int[] {MAX_ELEMENTS};
        return object(root, 1, budget);
    }

    private static Element parse(byte[] xml) {
        DocumentBuilder builder = BUILDERS.get();
        builder.reset();
        builder.setErrorHandler(FAIL);
        // never reached without a DTD; refuses any outside resource should a parser setting ever change
        builder.setEntityResolver((publicId, systemId) -> new InputSource(new StringReader("")));
        try {
            return builder.parse(new ByteArrayInputStream(xml)).getDocumentElement();
        } catch (SAXParseException e) {
            // the parser's message can quote the document; the position is enough
            throw new AppXmlException("not well-formed XML, or a DOCTYPE (line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ")");
        } catch (SAXException | IOException e) {
            throw new AppXmlException("unreadable XML (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static ObjectNode object(Element element, int depth, int[] budget) {
        if (depth > MAX_DEPTH) {
            throw new AppXmlException("xml nested deeper than " + MAX_DEPTH);
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() != Node.ELEMENT_NODE) {
                continue;
            }
            if (--budget[0] < 0) {
                throw new AppXmlException("xml with more than " + MAX_ELEMENTS + " elements");
            }
            Element childElement = (Element) child;
            JsonNode value = hasElementChildren(childElement) ? object(childElement, depth + 1, budget)
                    : JsonNodeFactory.instance.stringNode(childElement.getTextContent());
            add(json, childElement.getNodeName(), value);
        }
        return json;
    }

    private static void add(ObjectNode json, String name, JsonNode value) {
        JsonNode existing = json.get(name);
        if (existing == null) {
            json.set(name, value);
        } else if (existing instanceof ArrayNode array) {
            array.add(value);
        } else {
            ArrayNode array = json.putArray(name);
            array.add(existing);
            array.add(value);
        }
    }

    private static boolean hasElementChildren(Element element) {
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE) {
                return true;
            }
        }
        return false;
    }

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        try {
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser refuses a hardening feature", e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setNamespaceAware(false);
        factory.setValidating(false);
        return factory;
    }

    private static DocumentBuilder newBuilder() {
        // a factory is not promised to be thread-safe; each thread builds its parser once
        synchronized (FACTORY) {
            return newBuilderLocked();
        }
    }

    private static DocumentBuilder newBuilderLocked() {
        try {
            return FACTORY.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML parser", e);
        }
    }
}
