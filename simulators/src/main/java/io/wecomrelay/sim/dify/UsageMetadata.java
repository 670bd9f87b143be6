package io.wecomrelay.sim.dify;

import java.math.BigDecimal;
import java.math.RoundingMode;

import tools.jackson.databind.node.ObjectNode;

/**
 * {@code metadata.usage} of {@code message_end}. Prices are decimal strings with 7 places, computed
 * as Dify does: {@code tokens × unit_price × price_unit}.
 */
final class UsageMetadata {

    private static final BigDecimal PROMPT_UNIT_PRICE = new BigDecimal("0.001");
    private static final BigDecimal COMPLETION_UNIT_PRICE = new BigDecimal("0.002");
    private static final BigDecimal PRICE_UNIT = new BigDecimal("0.001");

    private UsageMetadata() {
    }

    static ObjectNode fill(ObjectNode usage, int promptTokens, int completionTokens, double latencySeconds) {
        var promptPrice = price(promptTokens, PROMPT_UNIT_PRICE);
        var completionPrice = price(completionTokens, COMPLETION_UNIT_PRICE);
        return usage.put("prompt_tokens", promptTokens)
                .put("prompt_unit_price", PROMPT_UNIT_PRICE.toPlainString())
                .put("prompt_price_unit", PRICE_UNIT.toPlainString())
                .put("prompt_price", promptPrice.toPlainString())
                .put("completion_tokens", completionTokens)
                .put("completion_unit_price", COMPLETION_UNIT_PRICE.toPlainString())
                .put("completion_price_unit", PRICE_UNIT.toPlainString())
                .put("completion_price", completionPrice.toPlainString())
                .put("total_tokens", promptTokens + completionTokens)
                .put("total_price", promptPrice.add(completionPrice).toPlainString())
                .put("currency", "USD")
                .put("latency", latencySeconds);
    }

    private static BigDecimal price(int tokens, BigDecimal unitPrice) {
        return BigDecimal.valueOf(tokens).multiply(unitPrice).multiply(PRICE_UNIT).setScale(7, RoundingMode.HALF_UP);
    }
}
