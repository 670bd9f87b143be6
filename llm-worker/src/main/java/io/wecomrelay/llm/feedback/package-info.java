/** WeCom's like/dislike on a reply, passed to Dify's feedback API for the message behind it. */
@NullMarked
package io.wecomrelay.llm.feedback;

import org.jspecify.annotations.NullMarked;
