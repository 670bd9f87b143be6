package io.wecomrelay.benchmarks.load;

import java.nio.charset.StandardCharsets;

/** The reply text the refresh benchmark stores per stream, and the baseline answers with. */
public final class RefreshContent {

    private RefreshContent() {
    }

    /** Markdown with Chinese and ASCII, at most {@code maxBytes} UTF-8 bytes. */
    public static String ofBytes(int maxBytes) {
        String unit = "**广州**今日天气：29度，大部分多云，降雨概率 60%。\n- bring an umbrella\n";
        StringBuilder text = new StringBuilder();
        while ((text + unit).getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            text.append(unit);
        }
        return text.toString();
    }
}
