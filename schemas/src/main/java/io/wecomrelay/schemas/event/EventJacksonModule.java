package io.wecomrelay.schemas.event;

import java.time.Instant;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * The event mapper's shortcuts for reading and writing events, which the processor does for every
 * record: {@link IsoInstants}, {@link RecordCreators}, and {@link ChatType} read by calling its
 * {@code @JsonCreator} directly (Jackson calls factory methods the same slow way as constructors).
 */
final class EventJacksonModule extends SimpleModule {

    private static final long serialVersionUID = 1L;

    EventJacksonModule() {
        super("wecom-relay-events");
        addSerializer(Instant.class, new IsoInstants.Serializer());
        addDeserializer(Instant.class, new IsoInstants.Deserializer());
        addDeserializer(ChatType.class, new ChatTypeDeserializer());
    }

    @Override
    public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.addValueInstantiators(new RecordCreators());
    }

    private static final class ChatTypeDeserializer extends StdDeserializer<ChatType> {

        ChatTypeDeserializer() {
            super(ChatType.class);
        }

        @Override
        public ChatType deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (ChatType) context.handleUnexpectedToken(ChatType.class, parser);
            }
            return ChatType.fromWire(parser.getString());
        }
    }
}
