package io.wecomrelay.sim.dify;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The files {@link Scenario#IMAGES} refers to and the simulator serves, so that a test can compare what reached
 * WeCom with the bytes that left "Dify":
 * <ul>
 * <li>{@link #CHART} ({@code /files/images/chart.png}, a Markdown image in the text): a 64×64 PNG;</li>
 * <li>the {@code message_file} image ({@code /files/tools/{id}.jpg}, a relative URL as self-hosted Dify sends): a
 *     64×64 JPG;</li>
 * <li>{@link #NOTES} ({@code /files/images/notes.png}): text behind an image's name and content type;</li>
 * <li>{@link #BIG} ({@code /files/images/big.png}): a PNG signature followed by zeros, {@link #BIG_BYTES} long,
 *     one byte over WeCom's 10 MB (sent with its {@code Content-Length}, generated as it is sent);</li>
 * <li>{@link #ELSEWHERE}: an image on a host no allow-list has (never requested);</li>
 * <li>any other name under {@code /files/images/}: 404.</li>
 * </ul>
 */
public final class SimImages {

    public static final String CHART = "chart.png";
    public static final String NOTES = "notes.png";
    public static final String BIG = "big.png";
    public static final String ELSEWHERE = "https://images.example.invalid/cat.png";
    /** One byte over WeCom's limit for an image in a stream (10 MB). */
    public static final int BIG_BYTES = 10 * 1024 * 1024 + 1;

    /** A 64×64 PNG: an orange square on black (drawn once with ImageIO; kept as bytes, so no AWT at run time). */
    private static final byte[] PNG = Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAIAAAAlC+aJAAAAtklEQVR4Xu3MMRHAQACEwPevLK4SAXxDRYrboeacmZmZi/f5VxoX"
                    + "bRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoX"
                    + "bRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbRoXbTMzMzcfpan/4tR1"
                    + "hU0AAAAASUVORK5CYII=");
    /** A 64×64 JPG: a blue square on black. */
    private static final byte[] JPG = Base64.getDecoder().decode("/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAx"
                    + "NDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIy"
                    + "MjIyMjIyMjL/wAARCABAAEADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUF"
                    + "BAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVW"
                    + "V1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi"
                    + "4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAEC"
                    + "AxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVm"
                    + "Z2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq"
                    + "8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD5/oordr3MlyX+0+f3+Xlt0ve9/NdjKpU5LaGFRW7RXuf6mf8AT/8A8l/+2M/rHkYVFbtF"
                    + "H+pn/T//AMl/+2D6x5GFRW7WFXh51kv9mcnv83Nfpa1reb7mlOpz30Ct2sKt2vc4M/5f/wDbv/txniOgUUUV9ycoUUUUAFYVbtYV"
                    + "fDcZ/wDLj/t7/wBtOrD9QrdrCrdo4M/5f/8Abv8A7cGI6BRRRX3JyhRRRQAVhVu1hV8Nxn/y4/7e/wDbTqw/UK3awqK8PJc6/szn"
                    + "9zm5rdbWtfyfc0qU+e2pu0VhUV7n+uf/AE4/8m/+1M/q/mbtFYVFH+uf/Tj/AMm/+1D6v5m7WFRRXh51nX9p8nucvLfre97eS7Gl"
                    + "OnyX1P/Z");
    private static final byte[] TEXT = "These are notes, not an image.\n".getBytes(StandardCharsets.UTF_8);

    private SimImages() {
    }

    /** The bytes of {@link #CHART}. */
    public static byte[] png() {
        return PNG.clone();
    }

    /** The bytes of every {@code message_file} image whose name ends with {@code .jpg}. */
    public static byte[] jpg() {
        return JPG.clone();
    }

    static byte[] text() {
        return TEXT.clone();
    }
}
