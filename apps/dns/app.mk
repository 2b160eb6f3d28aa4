# apps/dns: an authoritative DNS server (issue 5). The zones are compiled
# into the image at build time (tools/mkzone); `make ZONES=a.zone,b.zone`
# or `morgana build ... ZONES=...` serves others instead. Answers UDP and
# TCP queries on --port, AXFR over TCP for the --axfr allow-list.
APP_NAME := dns
APP_SRCS := dns.c
APP_LIBS := core net dns
APP_DEVICES := net:service
APP_ZONES := example.zone reverse.zone
# UDP queries are answered in the packet they leave in; a burst of a few
# hundred queries in flight needs that many buffers, TCP windows more.
APP_PKT_BUFS := 1024
APP_KEYS := ip gw net port axfr tcp_idle tcp_max stats
APP_KEY_ip := 10.0.0.2/24
APP_HELP_ip := A.B.C.D/len (static), dhcp, or the bind address (socket)
APP_KEY_gw :=
APP_HELP_gw := default gateway A.B.C.D (static address; empty: none)
APP_KEY_net := direct
APP_HELP_net := direct (own stack on the device) or socket (host sockets)
APP_KEY_port := 53
APP_HELP_port := UDP and TCP port to serve
APP_KEY_axfr :=
APP_HELP_axfr := IPv4 addresses allowed AXFR, comma-separated (empty: none)
APP_KEY_tcp_idle := 10
APP_HELP_tcp_idle := seconds a TCP connection may stay idle
APP_KEY_tcp_max := 256
APP_HELP_tcp_max := TCP connections at once (more are refused with RST)
APP_KEY_stats := 0
APP_HELP_stats := seconds between counter printouts (0: only at exit)
