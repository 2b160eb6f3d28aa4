# lib/net/lib.mk: the network stack (so far: wire formats and header
# parsers/builders for Ethernet, ARP, IPv4 and ICMP; issue 4).
LIB_net_SRCS := csum.c eth.c arp.c ip4.c icmp.c
LIB_net_DEPS := core
# Unit tests: test/test_<name>.c, each a cmocka binary.
LIB_net_TESTS := csum eth arp ip4 icmp
# Fuzz targets: fuzz/fuzz_<name>.c with a seed corpus in fuzz/corpus/<name>/.
LIB_net_FUZZ := eth arp ip4 icmp
