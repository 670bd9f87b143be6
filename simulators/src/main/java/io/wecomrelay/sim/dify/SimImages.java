package io.wecomrelay.sim.dify;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import javax.imageio.ImageIO;

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

    private static final byte[] PNG = draw("png", Color.ORANGE);
    private static final byte[] JPG = draw("jpg", Color.BLUE);
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

    private static byte[] draw(String format, Color color) {
        var image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        var graphics = image.createGraphics();
        graphics.setColor(color);
        graphics.fillRect(8, 8, 48, 48);
        graphics.dispose();
        var out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
