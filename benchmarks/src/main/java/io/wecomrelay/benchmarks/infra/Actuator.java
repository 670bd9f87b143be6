package io.wecomrelay.benchmarks.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.wecomrelay.schemas.wecom.WecomJson;

/** Reads a service's actuator metrics, and asks a JVM for a full GC with {@code jcmd}. */
public final class Actuator {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Actuator() {
    }

    /** The {@code VALUE} of {@code /actuator/metrics/<name>?tag=...}, or NaN. */
    public static double metric(String baseUrl, String name, String tag) {
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/metrics/" + name
                    + (tag == null ? "" : "?tag=" + tag))).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Double.NaN;
            }
            for (var measurement : WecomJson.readTree(response.body()).path("measurements")) {
                if ("VALUE".equals(measurement.path("statistic").asString())) {
                    return measurement.path("value").asDouble();
                }
            }
            return Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** {@code jcmd <pid> GC.run}: a full collection, so that the heap afterwards is what is live. */
    public static void fullGc(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        var process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor();
    }

    /** A plain GET returning the body as a number (the Dify simulator's control port). */
    public static long getLong(String url) throws IOException, InterruptedException {
        return Long.parseLong(get(url).trim());
    }

    /** A plain GET returning the body (e.g. {@code /actuator/prometheus}). */
    public static String get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
