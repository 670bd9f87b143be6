/** How WeCom messages (text, voice, mixed, quote) become Dify queries. */
@NullMarked
package io.wecomrelay.llm.input;

import org.jspecify.annotations.NullMarked;
