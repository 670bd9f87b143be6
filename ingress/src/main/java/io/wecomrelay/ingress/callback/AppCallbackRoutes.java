package io.wecomrelay.ingress.callback;

import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The callback URL a self-built app is configured with (接收消息 → 设置API接收): {@code /wecom/app/{botId}}. */
public final class AppCallbackRoutes {

    public static final String PATH = "/wecom/app/{botId}";

    private AppCallbackRoutes() {
    }

    public static RouterFunction<ServerResponse> routes(AppCallbackHandler handler) {
        return route().GET(PATH, handler::verifyUrl).POST(PATH, handler::receive).build();
    }
}
