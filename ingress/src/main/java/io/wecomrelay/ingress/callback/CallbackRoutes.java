package io.wecomrelay.ingress.callback;

import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The callback URL WeCom is configured with: {@code /wecom/callback/{botId}}. */
public final class CallbackRoutes {

    public static final String PATH = "/wecom/callback/{botId}";

    private CallbackRoutes() {
    }

    public static RouterFunction<ServerResponse> routes(CallbackHandler handler) {
        return route().GET(PATH, handler::verifyUrl).POST(PATH, handler::receive).build();
    }
}
