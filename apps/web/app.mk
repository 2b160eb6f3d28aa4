# apps/web: a static-site HTTP/1.1 server (issue 6). The site folder is
# compiled into the image at build time (tools/mksite); `make SITE=DIR`
# or `morgana build --site=DIR ...` serves another folder instead.
APP_NAME := web
APP_SRCS := web.c
APP_LIBS := core net http
APP_DEVICES := net:service
APP_SITE := site
# A response's segments leave in pool packets: a few hundred connections
# with full windows need that many buffers.
APP_PKT_BUFS := 1024
APP_KEYS := ip gw net port idle header_timeout send_timeout max_conns stats
APP_KEY_ip := 10.0.0.2/24
APP_HELP_ip := A.B.C.D/len (static), dhcp, or the bind address (socket)
APP_KEY_gw :=
APP_HELP_gw := default gateway A.B.C.D (static address; empty: none)
APP_KEY_net := direct
APP_HELP_net := direct (own stack on the device) or socket (host sockets)
APP_KEY_port := 80
APP_HELP_port := TCP port to serve
APP_KEY_idle := 30
APP_HELP_idle := seconds a keep-alive connection may wait between requests
APP_KEY_header_timeout := 10
APP_HELP_header_timeout := seconds a whole request head may take to arrive
APP_KEY_send_timeout := 20
APP_HELP_send_timeout := seconds a response may go without 1 KiB of progress
APP_KEY_max_conns := 512
APP_HELP_max_conns := connections at once (at the limit the most stuck is reset)
APP_KEY_stats := 0
APP_HELP_stats := seconds between counter printouts (0: only at exit)
