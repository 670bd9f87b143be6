/**
 * What follows a long-connection reply's finish frame: the rest of an answer longer than one stream, as
 * {@code markdown} messages on the message's req_id, then the answer's images.
 */
@NullMarked
package io.wecomrelay.connector.continuation;

import org.jspecify.annotations.NullMarked;
