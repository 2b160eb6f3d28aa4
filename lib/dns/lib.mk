# lib/dns/lib.mk: authoritative DNS (issue 5): wire format, the zone-file
# parser and compiler (also built into the host tool mkzone), compiled
# zones and the answering engine.
LIB_dns_SRCS := name.c zparse.c zcompile.c zone.c answer.c
LIB_dns_DEPS := core
# Unit tests: test/test_<name>.c, each a cmocka binary.
LIB_dns_TESTS := name zparse zone answer
# Fuzz targets: fuzz/fuzz_<name>.c with a seed corpus in fuzz/corpus/<name>/.
LIB_dns_FUZZ := answer zone blob
# The sources mkzone compiles for the host (with tools/mkzone.c).
MKZONE_SRCS := lib/dns/name.c lib/dns/zparse.c lib/dns/zcompile.c \
	lib/core/fmt.c lib/core/string.c lib/core/view.c
