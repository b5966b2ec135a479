-- chat_room/client.lua — 聊天室 (a TCP chat room), a member.
-- Seed: beyond the seeds (the UDP chat of 002_ac6abc7cd8388bf0.txt: a send
-- loop and a receive thread, over TCP to a relay server).
--
-- The first line we send is our name; then every line typed goes to the
-- server (UTF-8 plus "\n", the message boundary in a byte stream), which
-- relays it to the others as "NAME: text". A second thread (线程) prints
-- what the others say the moment it arrives, while the main thread waits
-- in input(). "Q" (or the end of input) leaves: shutdown(SHUT_WR) sends our
-- FIN (四次挥手), the server says goodbye for us and closes, and the
-- receive thread sees recv return "".
-- Usage: socklab run chat_room/client [PORT [NAME]]   (default 9003, guest)
local port = tonumber(arg[1]) or 9003
local name = arg[2] or "guest"

sk = socket.socket()
sk:connect({"127.0.0.1", port})
sk:sendall((name .. "\n"):encode())

local function receive()
  while true do
    local ok, line = pcall(sk.recv_until, sk, "\n")
    if not ok then break end  -- EOFError: the server has closed
    print(line:sub(1, -2):decode())
  end
end

local receiver = threading.Thread{target = receive}
receiver:start()
print("you are " .. name .. "; type messages, Q quits")
while true do
  local ok, line = pcall(input)
  if not ok then
    if line.kind ~= "EOFError" then error(line, 0) end
    break
  end
  if line == "Q" then break end
  sk:sendall((line .. "\n"):encode())
end
sk:shutdown(socket.SHUT_WR)
receiver:join()
sk:close()
