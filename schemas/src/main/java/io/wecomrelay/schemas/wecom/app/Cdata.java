package io.wecomrelay.schemas.wecom.app;

/** Text as a CDATA section, as WeCom writes it; a {@code ]]>} inside is split across two sections. */
public final class Cdata {

    private Cdata() {
    }

    public static String of(String text) {
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>";
    }
}
