/** The Dify adapter: the only code that knows Dify's URLs, keys and SSE wire format. */
@NullMarked
package io.wecomrelay.llm.dify;

import org.jspecify.annotations.NullMarked;
