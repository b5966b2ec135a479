-- W2 TCP bulk, receiver: counts the bytes of one connection until the
-- sender closes, timed from the first byte to the end.
local srv = socket.socket()
srv:bind{"127.0.0.1", 0}
srv:listen(1)
print("PORT " .. srv:getsockname().port)
local conn = srv:accept()
local total, t0 = 0, nil
while true do
  local data = conn:recv(65536)
  if data == "" then break end
  if t0 == nil then t0 = time.perf_counter() end
  total = total + #data
end
local elapsed = time.perf_counter() - (t0 or time.perf_counter())
conn:close()
srv:close()
print(string.format("RESULT bytes=%d mb_per_s=%.1f", total, total / 1e6 / math.max(elapsed, 1e-9)))
