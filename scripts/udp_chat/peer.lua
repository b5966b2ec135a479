-- udp_chat/peer.lua — 使用Socket--udp实现简单的聊天软件 (a UDP chat with threads).
-- Seed: 002_ac6abc7cd8388bf0.txt "使用Socket--udp实现简单的聊天软件" (客户端,
-- the seed's client; its server binds 8752, its client 7853).
--
-- UDP has no connection (无连接), so there is no server and no client here:
-- two equal peers (对等), each bound to its own port, send datagrams
-- (数据报) to the other's address. A chat must receive and send at the same
-- time, so each peer runs two threads (线程): one blocks in recvfrom and
-- prints what arrives, the other blocks in input() and sends what you type.
-- What crosses the wire is one datagram per line, the line's UTF-8 bytes,
-- nothing else; "Q" is a line like the others that also says goodbye.
--
-- The seed's server has a bug worth seeing: Thread(target=recfunc()) CALLS
-- recfunc right away (in the main thread) and passes its result, None, as
-- the target, so nothing runs in parallel. The target must be the function
-- itself: Thread{target = recData}, as its client does and as here.
--
-- Unlike the seed (which asks for 对方的IP and 对方的端口号 with input), the
-- ports come from the command line, and a peer ends by itself: after it has
-- sent its Q and received the other's Q.
-- Usage: socklab run udp_chat/peer [MYPORT [OTHERPORT]]
--        (default 8752, and the other one 7853; start the second peer
--        with: socklab run udp_chat/peer 7853 8752)
local port = tonumber(arg[1]) or 8752
local destPort = tonumber(arg[2]) or (port == 8752 and 7853 or 8752)
local destIp = "127.0.0.1"

local udpsocket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udpsocket:bind({"", port})  -- '' = every interface, as in the seed

-- 1.收数据,打印 (receive and print) until the other side says Q
local function recData()
  while true do
    local data, addr = udpsocket:recvfrom(1024)
    local text = data:decode("utf-8")
    if text == "Q" then
      print("对方已退出聊天 (the other side sent Q)")
      break
    end
    print(">>" .. text)
  end
end

-- 2.发数据 (read a line, send it) until we have said Q ourselves
local function sendData()
  while true do
    local ok, senInput = pcall(input, "<<:")
    if not ok then
      if senInput.kind ~= "EOFError" then error(senInput, 0) end
      senInput = "Q"  -- end of input: say goodbye all the same
    end
    udpsocket:sendto(senInput:encode("utf-8"), {destIp, destPort})
    if senInput == "Q" then break end
  end
end

local tr = threading.Thread{target = recData}  -- the function, not recData()
local th = threading.Thread{target = sendData}
tr:start()
th:start()
tr:join()
th:join()
udpsocket:close()
