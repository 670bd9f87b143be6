package io.wecomrelay.llm.reply;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import io.wecomrelay.schemas.bot.DefaultTexts;
import io.wecomrelay.schemas.event.RejectReason;

/**
 * The sentence a WeCom user sees for each error code: Dify's codes ({@code too_many_requests},
 * {@code completion_request_error}, ...) and the worker's own ({@link ErrorCodes}). Built-in
 * sentences can be overridden per code; codes are compared without case and punctuation, so
 * {@code too-many-requests} in YAML matches Dify's {@code too_many_requests}. An unknown code gets
 * the {@code default} sentence.
 */
public final class ErrorTexts {

    private static final String BUSY = "当前请求较多，请稍后再试。(The assistant is busy right now; please try again in a moment.)";
    private static final String BROKEN = "抱歉，AI 服务暂时出了点问题，请稍后再试。(Sorry, the AI service had a problem; please try again later.)";
    private static final String MISCONFIGURED = "抱歉，AI 服务配置有误，请联系管理员。(Sorry, the AI service is not set up correctly; please tell the administrator.)";
    private static final String TOO_LARGE = "抱歉，文件太大，无法处理，请发送小一些的文件。(Sorry, the file is too large; please send a smaller one.)";
    private static final String OVERSIZED = "（AI 服务返回的数据过大，回复已结束，内容可能不完整。The AI service sent more data than the relay accepts, so the reply ended and may be incomplete.）";
    private static final String DEFAULT = "抱歉，出了点问题，请稍后再试。(Sorry, something went wrong; please try again later.)";

    private static final Map<String, String> BUILT_IN = Map.ofEntries(
            Map.entry("too_many_requests", BUSY),
            Map.entry("rate_limit_error", BUSY),
            Map.entry("internal_server_error", BROKEN),
            Map.entry(ErrorCodes.NETWORK_ERROR, BROKEN),
            Map.entry("completion_request_error", "抱歉，模型调用失败，请稍后再试。(Sorry, the model request failed; please try again later.)"),
            Map.entry("provider_quota_exceeded", "抱歉，AI 服务的额度已用完，请联系管理员。(Sorry, the AI service has run out of quota; please tell the administrator.)"),
            Map.entry("provider_not_initialize", MISCONFIGURED),
            Map.entry("model_currently_not_support", MISCONFIGURED),
            Map.entry("app_unavailable", MISCONFIGURED),
            Map.entry("not_chat_app", MISCONFIGURED),
            Map.entry("not_workflow_app", MISCONFIGURED),
            Map.entry(ErrorCodes.WORKFLOW_OUTPUT_MISSING, MISCONFIGURED),
            Map.entry("unauthorized", MISCONFIGURED),
            Map.entry("forbidden", MISCONFIGURED),
            Map.entry("invalid_param", MISCONFIGURED),
            Map.entry("bad_request", MISCONFIGURED),
            Map.entry("not_found", "抱歉，之前的对话已失效，请重新提问。(Sorry, the earlier conversation is gone; please ask again.)"),
            Map.entry("conversation_completed", "这个对话已结束，请重新提问。(This conversation has ended; please ask again.)"),
            Map.entry(ErrorCodes.WORKFLOW_FAILED, "抱歉，处理流程执行失败，请稍后再试。(Sorry, the workflow failed; please try again later.)"),
            Map.entry(ErrorCodes.IDLE_TIMEOUT, "（AI 服务长时间没有响应，回复已结束，内容可能不完整。The AI service went quiet, so the reply ended and may be incomplete.）"),
            Map.entry(ErrorCodes.DEADLINE_EXCEEDED, "（回复时间过长，已提前结束，内容可能不完整。The reply took too long and was ended early; it may be incomplete.）"),
            Map.entry(ErrorCodes.NO_TERMINAL, "（回复意外中断，内容可能不完整。The reply was cut off and may be incomplete.）"),
            Map.entry(ErrorCodes.DIFY_LINE_TOO_LONG, OVERSIZED),
            Map.entry(ErrorCodes.DIFY_EVENT_TOO_LARGE, OVERSIZED),
            Map.entry(ErrorCodes.ANSWER_TOO_LONG, "（回答过长，已提前结束，内容不完整。The answer was too long and was ended early; it is incomplete.）"),
            Map.entry(ErrorCodes.CHUNK_REFUSED, "（回复过大，无法完整发送，已提前结束。The reply was too large to deliver in full and was ended early.）"),
            Map.entry(ErrorCodes.EMPTY_ANSWER, "（AI 没有给出回答，请换个说法再试。The assistant gave no answer; please try rephrasing.）"),
            Map.entry(ErrorCodes.UNSUPPORTED_INPUT, "抱歉，暂不支持这种消息，请用文字提问。(Sorry, this kind of message is not supported; please ask in text.)"),
            Map.entry(ErrorCodes.MEDIA_TOO_LARGE, TOO_LARGE),
            Map.entry("file_too_large", TOO_LARGE),
            Map.entry("unsupported_file_type", "抱歉，AI 助手不支持这种文件类型。(Sorry, the assistant does not accept this type of file.)"),
            Map.entry(ErrorCodes.MEDIA_DOWNLOAD_FAILED, "抱歉，文件下载失败（链接可能已过期），请重新发送。(Sorry, the file could not be downloaded, perhaps the link expired; please send it again.)"),
            Map.entry(ErrorCodes.MEDIA_EXPIRED, "抱歉，这个文件已过期（企业微信只保留 3 天），请重新发送。(Sorry, this file has expired; WeCom keeps files for 3 days. Please send it again.)"),
            Map.entry(ErrorCodes.IDENTITY_REFUSED, DefaultTexts.rejection(RejectReason.UNAUTHORIZED)),
            Map.entry(ErrorCodes.IDENTITY_UNAVAILABLE, "抱歉，暂时无法确认你的身份，请稍后再试。(Sorry, your identity could not be checked right now; please try again later.)"),
            Map.entry(ErrorCodes.BOT_UNKNOWN, "这个机器人暂时不可用。(This bot is not available right now.)"),
            Map.entry("default", DEFAULT));

    private final Map<String, String> byCode;

    /** @param overrides sentences by code that replace the built-in ones */
    public ErrorTexts(Map<String, String> overrides) {
        var merged = new HashMap<String, String>();
        BUILT_IN.forEach((code, text) -> merged.put(normalize(code), text));
        overrides.forEach((code, text) -> merged.put(normalize(code), text));
        this.byCode = Map.copyOf(merged);
    }

    /** The sentence for {@code code}; never null. */
    public String sentence(String code) {
        String text = byCode.get(normalize(code));
        if (text == null && code.startsWith("http_5")) {
            text = byCode.get(normalize("internal_server_error"));
        }
        return text != null ? text : byCode.get("default");
    }

    private static String normalize(String code) {
        var out = new StringBuilder(code.length());
        for (char c : code.toLowerCase(Locale.ROOT).toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
