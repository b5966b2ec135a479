-- W4 struct: N packs and unpacks of "!IHd", then the interpreter's floor.
-- usage: w4_struct.lua N
--
-- The floor is the same loop with both calls replaced by rawequal, an
-- existing Go function that does next to nothing (compares its first two
-- arguments and returns a preallocated boolean): the same arguments are
-- passed, the same results assigned, so the floor is what the interpreter
-- costs for two Go calls of that shape. struct's own work is the gap.
local n = tonumber(arg[1])
local fmt = "!IHd"

local pack, unpack = struct.pack, struct.unpack
local a, b, c
local t0 = time.perf_counter()
for i = 1, n do
  local s = pack(fmt, i, 7, 0.5)
  a, b, c = unpack(fmt, s)
end
local struct_s = time.perf_counter() - t0
if a ~= n or b ~= 7 or c ~= 0.5 then
  error(string.format("unpack gave %s %s %s", tostring(a), tostring(b), tostring(c)))
end

local empty1, empty2 = rawequal, rawequal
t0 = time.perf_counter()
for i = 1, n do
  local s = empty1(fmt, i, 7, 0.5)
  a, b, c = empty2(fmt, s)
end
local floor_s = time.perf_counter() - t0

print(string.format("RESULT ops=%d ops_per_s=%.1f floor_ops_per_s=%.1f", n, n / struct_s, n / floor_s))
