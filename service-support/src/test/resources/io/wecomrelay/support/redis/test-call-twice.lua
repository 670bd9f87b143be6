-- LuaScriptsTest: calls the function of LuaScripts.loadAsFunction once per key, each time with that key and the
-- argument at the same place
return { deleteIfEqual({ KEYS[1] }, { ARGV[1] }), deleteIfEqual({ KEYS[2] }, { ARGV[2] }) }
