package io.wecomrelay.schemas.wecom.app;

/**
 * An app callback's XML is not what WeCom sends: not well-formed, a DTD, too large or deep, or a required element
 * missing or malformed. The message names the problem and element names only, never text from the document, so it
 * can be logged as is.
 */
public final class AppXmlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AppXmlException(String problem) {
        super(problem);
    }
}
