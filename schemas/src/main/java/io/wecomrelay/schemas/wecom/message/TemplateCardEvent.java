package io.wecomrelay.schemas.wecom.message;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * {@code event.eventtype: template_card_event}: a button, vote or multi-select submit, or a card menu
 * click. May be answered with {@code update_template_card} within about five seconds. Fields are read
 * from {@code event.template_card_event} (the doc) or, failing that, from {@code event} itself (the
 * Node SDK's flattened type).
 *
 * @param cardType      {@code card_type}, e.g. {@code button_interaction}, {@code vote_interaction}
 * @param eventKey      {@code event_key}: the key of the clicked button
 * @param taskId        {@code task_id}: the id we gave the card
 * @param selectedItems {@code selected_items.selected_item}; empty for buttons and menu clicks
 */
public record TemplateCardEvent(CallbackMeta meta, @Nullable String cardType, @Nullable String eventKey,
                                @Nullable String taskId, List<SelectedItem> selectedItems) implements WecomCallback {

    public TemplateCardEvent {
        Objects.requireNonNull(meta, "meta");
        selectedItems = List.copyOf(selectedItems);
    }

    /**
     * One answered question of a vote or multi-select card.
     *
     * @param questionKey {@code question_key}
     * @param optionIds   {@code option_ids.option_id}
     */
    public record SelectedItem(String questionKey, List<String> optionIds) {
        public SelectedItem {
            Objects.requireNonNull(questionKey, "questionKey");
            optionIds = List.copyOf(optionIds);
        }
    }
}
