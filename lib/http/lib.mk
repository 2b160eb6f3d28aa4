# lib/http/lib.mk: HTTP/1.1 (issue 6): the request parser (parse.c), the
# static-site blob loader (site.c, the blob that tools/mksite makes) and
# the static server's responses (respond.c).
LIB_http_SRCS := $(notdir $(wildcard lib/http/*.c))
LIB_http_DEPS := core
# Unit tests: test/test_<name>.c, each a cmocka binary.
LIB_http_TESTS := $(patsubst lib/http/test/test_%.c,%,\
	$(wildcard lib/http/test/test_*.c))
# Fuzz targets: fuzz/fuzz_<name>.c with a seed corpus in fuzz/corpus/<name>/.
LIB_http_FUZZ := $(patsubst lib/http/fuzz/fuzz_%.c,%,\
	$(wildcard lib/http/fuzz/fuzz_*.c))
