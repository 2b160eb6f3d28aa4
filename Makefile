# Morgana: one non-recursive make for tools, libraries, images and tests.
#
#   make                 tools, libraries, example appliances, morgana
#   make test            everything that checks the tree (ends "N passed, N failed")
#   make check           unit tests and fuzz replay only
#   make fuzz            libFuzzer on every target, FUZZ_SECONDS each (clang)
#   make lint            clang-format, clang-tidy, cppcheck, symbol and header checks
#   make format          clang-format -i on every C file
#   make app APP=DIR TARGET=unix [SAN=1]   one appliance; prints its image path
#   make V=1             show full command lines

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
B := build

include mk/toolchain.mk
include mk/rules.mk
include mk/target-unix.mk
# The hvt target (guest flags, linker script) and its tender (morgana-hvt).
include mk/target-hvt.mk
include mk/tender.mk

LIBS := $(patsubst lib/%/lib.mk,%,$(wildcard lib/*/lib.mk))
include $(foreach l,$(LIBS),lib/$(l)/lib.mk)

VARIANTS := unix unix-san hvt hvt-san
ifeq ($(HAVE_CLANG),1)
VARIANTS += fuzz
endif

EXAMPLE_APPS := $(patsubst %/app.mk,%,$(wildcard apps/*/app.mk))
# An appliance outside the tree (morgana build DIR) joins the list.
ifneq ($(APP),)
override APP := $(patsubst $(CURDIR)/%,%,$(abspath $(APP)))
ifeq ($(wildcard $(APP)/app.mk),)
$(error $(APP): no app.mk here, so this is not an appliance folder)
endif
ALL_APPS := $(sort $(EXAMPLE_APPS) $(APP))
else
ALL_APPS := $(EXAMPLE_APPS)
endif

# Host tools.
MKGLUE := $(B)/host/bin/mkglue
$(B)/host/bin/%: tools/%.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(COMMON_CFLAGS) -O2 -Iinclude -o $@ $<

# The zone compiler: lib/dns's parser and compiler built for the host
# (MKZONE_SRCS in lib/dns/lib.mk).
MKZONE := $(B)/host/bin/mkzone
$(MKZONE): tools/mkzone.c $(MKZONE_SRCS) $(wildcard lib/dns/*.h \
		lib/dns/wire/*.h include/mg/*.h)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(COMMON_CFLAGS) -O2 -Iinclude -Ilib/dns -o $@ \
		tools/mkzone.c $(MKZONE_SRCS)

# The static-site compiler (lib/http/wire/site.h is the format), with zlib.
MKSITE := $(B)/host/bin/mksite
$(MKSITE): tools/mksite.c lib/http/wire/site.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(COMMON_CFLAGS) -O2 -Iinclude -o $@ tools/mksite.c -lz

# Tests and fuzz targets see their library's private headers and the
# fake platform (lib/core/test/fake_plat.h) they all link with.
HOSTED_INC = -I$(patsubst %/test/,%,$(patsubst %/fuzz/,%,$(dir $<))) \
	$(if $(filter %/test/ %/fuzz/,$(dir $<)),-Ilib/core/test)
$(foreach v,$(VARIANTS),$(eval $(call hosted_rules,$(v))))
$(foreach v,$(VARIANTS),$(foreach l,$(LIBS),$(eval $(call lib_rules,$(l),$(v)))))
PLATOBJS_unix := $(patsubst %.c,$(B)/unix/host/%.o,$(PLAT_unix_SRCS))
PLATOBJS_unix-san := $(patsubst %.c,$(B)/unix-san/host/%.o,$(PLAT_unix_SRCS))
PLATOBJS_hvt := $(patsubst %,$(B)/hvt/%.o,$(basename $(PLAT_hvt_SRCS)))
PLATOBJS_hvt-san := $(patsubst %,$(B)/hvt-san/%.o,\
	$(basename $(PLAT_hvt-san_SRCS)))

$(foreach l,$(LIBS),$(foreach t,$(LIB_$(l)_TESTS),\
	$(eval $(call test_rules,$(l),$(t)))))
$(foreach l,$(LIBS),$(foreach f,$(LIB_$(l)_FUZZ),\
	$(eval $(call fuzz_rules,$(l),$(f)))))

$(foreach a,$(ALL_APPS),$(eval $(call app_load,$(a))))
$(foreach a,$(ALL_APPS),$(eval $(call app_rules,$(a),unix)))
$(foreach a,$(ALL_APPS),$(eval $(call app_rules,$(a),unix-san)))
$(foreach a,$(ALL_APPS),$(eval $(call app_rules,$(a),hvt)))
$(foreach a,$(ALL_APPS),$(eval $(call app_rules,$(a),hvt-san)))

-include $(shell find $(B) -name '*.d' 2>/dev/null)

MORGANA := $(B)/bin/morgana
$(MORGANA): tools/morgana.sh
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)sed 's|@MORGANA_ROOT@|$(CURDIR)|' $< > $@.tmp && chmod +x $@.tmp \
		&& mv $@.tmp $@

ALL_IMAGES := $(foreach a,$(EXAMPLE_APPS),$(IMAGE.$(a).unix) \
	$(IMAGE.$(a).hvt))
all: $(MORGANA) $(MKGLUE) $(MKZONE) $(MKSITE) \
	$(foreach l,$(LIBS),$(B)/unix/lib/libmg_$(l).a) \
	$(ALL_IMAGES)

# make app APP=DIR TARGET=unix [SAN=1]: build one image, print its path last.
TARGET ?= unix
APP_VARIANT := $(TARGET)$(if $(SAN),-san)
app:
	$(if $(APP),,$(error make app needs APP=DIR))
	$(if $(filter $(APP_VARIANT),$(VARIANTS)),,$(error unknown target \
		'$(TARGET)' (known: unix hvt)))
	$(Q)$(MAKE) --no-print-directory $(IMAGE.$(APP).$(APP_VARIANT))
	@echo $(abspath $(IMAGE.$(APP).$(APP_VARIANT)))

units: $(UNIT_TESTS)
replay: $(FUZZ_REPLAY)
libfuzzer: $(if $(filter fuzz,$(VARIANTS)),$(FUZZ_LIBFUZZER))
san-images: $(foreach a,$(EXAMPLE_APPS),$(IMAGE.$(a).unix-san) \
	$(IMAGE.$(a).hvt-san))

# The list of every test program, for tools/run-tests.
test-list:
	@echo "UNIT $(UNIT_TESTS)"
	@echo "REPLAY $(FUZZ_REPLAY)"
	@echo "LIBFUZZER $(if $(filter fuzz,$(VARIANTS)),$(FUZZ_LIBFUZZER))"

check: units replay
	$(Q)tools/run-tests --only units,replay

test: all units replay libfuzzer san-images
	$(Q)tools/run-tests

FUZZ_SECONDS ?= 60
fuzz: libfuzzer
	$(Q)for f in $(FUZZ_LIBFUZZER); do tools/fuzz-run $$f $(FUZZ_SECONDS) \
		|| exit 1; done

lint:
	$(Q)tools/run-tests --only lint

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

.PHONY: all app units replay libfuzzer san-images test-list check test fuzz \
	lint format clean
