# lib/core/lib.mk: views, packets, heap, formatting, logging, the loop.
LIB_core_SRCS := view.c pkt.c heap.c string.c fmt.c time.c err.c log.c \
	loop.c args.c start.c
LIB_core_DEPS :=
# Unit tests: test/test_<name>.c, each a cmocka binary.
LIB_core_TESTS := view pkt heap fmt string time loop log args
# Fuzz targets: fuzz/fuzz_<name>.c with a seed corpus in fuzz/corpus/<name>/.
LIB_core_FUZZ := view args
