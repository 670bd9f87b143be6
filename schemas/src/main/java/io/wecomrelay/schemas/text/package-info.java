/**
 * Pure functions over reply text: byte-exact capping at WeCom's content limits and markdown-safe
 * splitting for the group webhook, WeCom's thinking block. No I/O, no Spring.
 */
@NullMarked
package io.wecomrelay.schemas.text;

import org.jspecify.annotations.NullMarked;
