-- echo_select/client.lua — 回显客户端 (an echo client with a receive thread).
-- Seed: beyond the seeds (grown from 000_2481a32fc39b92cd.txt §1.3 client.py);
-- the same client as echo_threaded: the two servers speak the same protocol.
--
-- Each line you type goes to the server as its UTF-8 bytes plus "\n" (the
-- line is the message boundary: TCP is a byte stream, 流式, and keeps none),
-- and comes back. A second thread (线程) receives, so that what the server
-- says by itself ("*** a client left ...") is printed the moment it comes.
-- "Q" (or the end of input) quits with shutdown(SHUT_WR): our FIN (the
-- first step of 四次挥手) tells the server we are done sending, it echoes
-- what was still on its way, closes, and our receive thread sees recv
-- return "" — nothing is lost.
-- Usage: socklab run echo_select/client [PORT]   (default 9002)
local port = tonumber(arg[1]) or 9002

sk = socket.socket()
sk:connect({"127.0.0.1", port})

local function receive()
  while true do
    local ok, line = pcall(sk.recv_until, sk, "\n")
    if not ok then break end  -- EOFError: the server has closed
    line = line:sub(1, -2):decode()
    if line:sub(1, 3) == "***" then
      print(line)
    else
      print("echo: " .. line)
    end
  end
end

local receiver = threading.Thread{target = receive}
receiver:start()
print("type lines to echo; Q quits")
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
