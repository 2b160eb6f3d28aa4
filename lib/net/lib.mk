# lib/net/lib.mk: the network stack (issue 4): wire formats, the direct
# stack (Ethernet, ARP, IPv4, ICMP, UDP, TCP, DHCP) and the socket stack.
LIB_net_SRCS := csum.c eth.c arp.c ip4.c icmp.c
LIB_net_SRCS += net.c net_boot.c udp.c ip4_reasm.c hash.c api.c
LIB_net_DEPS := core
# Unit tests: test/test_<name>.c, each a cmocka binary.
LIB_net_TESTS := csum eth arp ip4 icmp
LIB_net_TESTS += stack
# Fuzz targets: fuzz/fuzz_<name>.c with a seed corpus in fuzz/corpus/<name>/.
LIB_net_FUZZ := eth arp ip4 icmp stack
# DHCP client (dhcp.c; the message parser and builder in dhcp_msg.c).
LIB_net_SRCS += dhcp.c dhcp_msg.c
LIB_net_TESTS += dhcp
LIB_net_FUZZ += dhcp
# The socket stack (sock.c): the UDP/TCP API on host sockets.
LIB_net_SRCS += sock.c
# TCP (direct stack).
LIB_net_SRCS += tcp_seg.c tcp.c tcp_in.c tcp_out.c tcp_timer.c
LIB_net_TESTS += tcp
LIB_net_FUZZ += tcp
