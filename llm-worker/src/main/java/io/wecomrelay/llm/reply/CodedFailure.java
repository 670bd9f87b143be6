package io.wecomrelay.llm.reply;

/**
 * A failure that is not Dify's and knows its error code (and so its sentence, {@link ErrorTexts}): a reply that
 * fails with one ends with that code instead of {@link ErrorCodes#NETWORK_ERROR}.
 */
public interface CodedFailure {

    String code();
}
