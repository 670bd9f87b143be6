package io.wecomrelay.schemas.bot;

import io.wecomrelay.schemas.event.RejectReason;

/** User-facing defaults, in Chinese first because WeCom users mostly read Chinese. */
public final class DefaultTexts {

    public static final String PLACEHOLDER = "正在思考…";

    private DefaultTexts() {
    }

    public static String rejection(RejectReason reason) {
        return switch (reason) {
            case DUPLICATE -> "";
            case BOT_UNKNOWN, BOT_DISABLED -> "这个机器人暂时不可用。(This bot is not available right now.)";
            case UNAUTHORIZED -> "抱歉，你没有使用这个机器人的权限。(Sorry, you are not allowed to use this bot.)";
            case RATE_LIMITED -> "请求太多了，请稍后再试。(Too many requests right now, please try again in a minute.)";
            case UNSUPPORTED -> "抱歉，暂不支持这种消息类型。(Sorry, this kind of message is not supported yet.)";
        };
    }
}
