import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.99.2.2', 7777))
s.settimeout(5)
try:
    while True:
        data, addr = s.recvfrom(65535)
        s.sendto(data.upper(), addr)
except socket.timeout:
    pass
