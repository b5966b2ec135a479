-- W9 string rewriting: s:gsub("\n", "\r\n") over SIZE bytes of 64-byte
-- lines, repeated until MINTIME seconds have passed (at least once).
-- usage: w9_gsub.lua SIZE MINTIME
local size, mintime = tonumber(arg[1]), tonumber(arg[2])
local line = string.rep("abcdefghijklmnopqrstuvwxyz0123456789", 2):sub(1, 63) .. "\n"
local s = string.rep(line, math.floor(size / 64)) .. line:sub(1, size % 64)
local out, count
local iters = 0
local t0 = time.perf_counter()
repeat
  out, count = s:gsub("\n", "\r\n")
  iters = iters + 1
until time.perf_counter() - t0 >= mintime
local elapsed = time.perf_counter() - t0
print(string.format("RESULT size=%d replaced=%d outlen=%d mb_per_s=%.2f", #s, count, #out, size * iters / 1e6 / elapsed))
