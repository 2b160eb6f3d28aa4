# apps/netcheck: the network test appliance (issue 4). Answers ping (the
# stack does), serves UDP echo (7), TCP echo (7), TCP discard (9) and TCP
# chargen (19, RFC 864); static address or DHCP from the boot keys.
APP_NAME := netcheck
APP_SRCS := netcheck.c
APP_LIBS := core net
APP_DEVICES := net:service
# Enough buffers for full receive windows on many connections at once.
APP_PKT_BUFS := 4096
APP_KEYS := ip gw net stats
APP_KEY_ip := dhcp
APP_HELP_ip := dhcp, or A.B.C.D/len for a static address
APP_KEY_gw :=
APP_HELP_gw := default gateway A.B.C.D (static address; empty: none)
APP_KEY_net := direct
APP_HELP_net := direct (own stack on the device) or socket (host sockets)
APP_KEY_stats := 0
APP_HELP_stats := seconds between counter printouts (0: only at exit)
