# tests/apps/sockecho: a test appliance for the socket stack (issue 4): UDP
# echo and TCP echo on PORT, TCP discard on PORT+2, TCP chargen on PORT+12
# (the 7/9/19 of netcheck, moved so no root is needed), all on the host's
# sockets. With connect=A.B.C.D:PORT it is a client instead: it sends
# `bytes` bytes to that echo server, checks what comes back, and exits.
APP_NAME := sockecho
APP_SRCS := sockecho.c
APP_LIBS := core net
# No device: the socket stack needs none; buffers for UDP receive.
APP_DEVICES :=
APP_PKT_BUFS := 512
APP_KEYS := addr port connect bytes
APP_KEY_addr := 127.0.0.1
APP_HELP_addr := address to bind (0.0.0.0: any)
APP_KEY_port := 7007
APP_HELP_port := UDP/TCP echo port; discard is PORT+2, chargen PORT+12
APP_KEY_connect :=
APP_HELP_connect := A.B.C.D:PORT: be a client of that TCP echo server
APP_KEY_bytes := 1000000
APP_HELP_bytes := client: bytes to send and expect back
