/** One reply attempt: Dify events in, coalesced and numbered reply chunks out, every ending finished. */
@NullMarked
package io.wecomrelay.llm.reply;

import org.jspecify.annotations.NullMarked;
