-- addrinfo/server.lua — socket.getaddrinfo 与 getpeername (turning names
-- and addresses into the arguments of socket()), the server side.
-- Seed: 004_e2274674d858162d.txt "socket.getaddrinfo(host, port, family, socktype, proto, flags)" (利用已经通信的套接字名提供给getaddrinfo).
--
-- getaddrinfo returns a list of (family, socktype, proto, canonname,
-- sockaddr) — here tables with those fields, also indexable 1..5 — and
-- each entry is exactly what socket() and bind()/connect() take: family
-- (协议簇) AF_INET = 2, AF_INET6 = 10; socktype SOCK_STREAM = 1,
-- SOCK_DGRAM = 2; proto IPPROTO_TCP = 6, IPPROTO_UDP = 17; canonname, the
-- canonical host name (规范主机名), filled in only with AI_CANONNAME;
-- sockaddr, the address tuple. AI_PASSIVE with no host asks for the
-- addresses a server binds to (0.0.0.0 and ::), and a service name such as
-- 'smtp' becomes its port, 25. Nothing of this crosses the wire: the wire
-- only carries what the socket made from it. At the end the server takes
-- the address of a connected peer (getpeername) and feeds it back into
-- getaddrinfo with the socket's own family, type and proto, as the seed
-- shows. The seed writes mysock = server_sock.accept(), but accept returns
-- (socket, address), so the socket is its first value. The seed's other
-- example, getaddrinfo('ftp.kernel.org', 'ftp', 0, socket.SOCK_STREAM, 0,
-- socket.AI_ADDRCONFIG | socket.AI_V4MAPPED), needs DNS, so it is left
-- out. The seed names no port; 1060 is ours.
-- Usage: socklab run addrinfo/server [PORT]   (default 1060)
local port = tonumber(arg[1]) or 1060

function show(info)
  family, socktype, proto, canonname, sockaddr = unpack(info)  -- Python: = info
  print(string.format("family=%d type=%d proto=%d canonname=%s sockaddr=%s",
    family, socktype, proto, repr(canonname), tostring(sockaddr)))
end

-- getaddrinfo(None, 'smtp', 0, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
for _, info in ipairs(socket.getaddrinfo(nil, "smtp", 0, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)) do
  show(info)
end
-- The server's own address, and a socket made from the first entry
infolist = socket.getaddrinfo("127.0.0.1", port, socket.AF_INET, socket.SOCK_STREAM)
family, socktype, proto, canonname, sockaddr = unpack(infolist[1])  -- Python: infolist[0]
server_sock = socket.socket(family, socktype, proto)
server_sock:bind(sockaddr)
server_sock:listen()
-- 利用已经通信的套接字名提供给getaddrinfo
mysock, _ = server_sock:accept()  -- the seed: mysock = server_sock.accept()
addr, port = unpack(mysock:getpeername())  -- Python: addr, port = mysock.getpeername()
print("getpeername: " .. tostring(mysock:getpeername()))
for _, info in ipairs(socket.getaddrinfo(addr, port, mysock.family, mysock.type, mysock.proto, socket.AI_CANONNAME)) do
  show(info)
end
print(mysock:recv(1024):decode())
mysock:close()
server_sock:close()
