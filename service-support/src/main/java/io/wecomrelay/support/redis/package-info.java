/**
 * The services' Redis scripts: every Lua script is a file among its module's resources, read once by
 * {@link io.wecomrelay.support.redis.LuaScripts}.
 */
@NullMarked
package io.wecomrelay.support.redis;

import org.jspecify.annotations.NullMarked;
