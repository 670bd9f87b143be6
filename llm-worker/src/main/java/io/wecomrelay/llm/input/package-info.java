/** How WeCom messages (text, voice, image, file, video, mixed, quote, feedback events) become worker inputs. */
@NullMarked
package io.wecomrelay.llm.input;

import org.jspecify.annotations.NullMarked;
