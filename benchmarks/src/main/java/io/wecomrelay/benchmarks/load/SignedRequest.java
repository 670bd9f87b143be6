package io.wecomrelay.benchmarks.load;

/** One pre-signed callback: path with the signed query string, and the JSON body. */
public record SignedRequest(String pathAndQuery, byte[] body) {
}
