-- addrinfo/client.lua — socket.getaddrinfo (a host name in, the arguments
-- of socket() and connect() out), the client side.
-- Seed: 004_e2274674d858162d.txt "socket.getaddrinfo(host, port, family, socktype, proto, flags)".
--
-- The client does not hard-code its address: it asks getaddrinfo about the
-- name "localhost" with AI_CANONNAME (返回规范主机名), and builds the socket
-- from the first entry — family, socktype and proto go to socket(),
-- sockaddr to connect(). Then getsockname() shows the address the kernel
-- gave this end: the server's getpeername() sees the very same one.
-- Python's infolist[0] is infolist[1] in Lua (lists start at 1), and
-- Python's tuple unpacking of an entry is unpack(entry).
-- Usage: socklab run addrinfo/client [PORT]   (default 1060)
local port = tonumber(arg[1]) or 1060

function show(info)
  family, socktype, proto, canonname, sockaddr = unpack(info)  -- Python: = info
  print(string.format("family=%d type=%d proto=%d canonname=%s sockaddr=%s",
    family, socktype, proto, repr(canonname), tostring(sockaddr)))
end

infolist = socket.getaddrinfo("localhost", port, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)
for _, info in ipairs(infolist) do
  show(info)
end
family, socktype, proto, canonname, sockaddr = unpack(infolist[1])  -- Python: infolist[0]
sk = socket.socket(family, socktype, proto)
sk:connect(sockaddr)
print("getsockname: " .. tostring(sk:getsockname()))
sk:send(("hello"):encode())
sk:close()
