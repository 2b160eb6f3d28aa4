# mk/rules.mk: the templates that turn lib.mk and app.mk into rules.
#
# Every object of variant V lands in $(B)/V/...; one make invocation can
# build any set of variants because each rule is stamped out per variant.

reverse = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) \
	$(firstword $(1)))
uniq = $(if $(1),$(firstword $(1)) $(call uniq,$(filter-out \
	$(firstword $(1)),$(1))))
# A library and everything it depends on, each once, dependencies last
# (the order a static link needs).
lib_deps_rec = $(1) $(foreach d,$(LIB_$(1)_DEPS),$(call lib_deps_rec,$(d)))
lib_closure = $(strip $(call reverse,$(call uniq,$(call reverse,\
	$(foreach l,$(1),$(call lib_deps_rec,$(l)))))))
lib_archives = $(foreach l,$(call lib_closure,$(2)),$(B)/$(1)/lib/libmg_$(l).a)

# lib_rules LIB VARIANT
define lib_rules
$(B)/$(2)/lib/$(1)/%.o: lib/$(1)/%.c
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$$(Q)$$(CC_$(2)) $$(CFLAGS_$(2)) $$(LIBFLAGS_$(2)) -Iinclude \
		-Ilib/$(1) $$(DEPFLAGS) -c $$< -o $$@

$(B)/$(2)/lib/libmg_$(1).a: $(patsubst %.c,$(B)/$(2)/lib/$(1)/%.o,\
		$(LIB_$(1)_SRCS))
	@echo "  AR      $$@"
	$$(Q)rm -f $$@ && $$(AR_$(2)) rcs $$@ $$^

-include $(patsubst %.c,$(B)/$(2)/lib/$(1)/%.d,$(LIB_$(1)_SRCS))
endef

# Hosted code (tests, fuzz drivers, platforms): normal headers.
# hosted_rules VARIANT
define hosted_rules
$(B)/$(1)/host/%.o: %.c
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$$(Q)$$(CC_$(1)) $$(CFLAGS_$(1)) $$(PLATFLAGS_$(1)) -Iinclude \
		$$(HOSTED_INC) $$(DEPFLAGS) -c $$< -o $$@
endef

# test_rules LIB MODULE: a cmocka binary on the sanitizer variant.
define test_rules
$(B)/unix-san/test/$(1)/test_$(2): $(B)/unix-san/host/lib/$(1)/test/test_$(2).o \
		$(B)/unix-san/host/lib/core/test/fake_plat.o \
		$(call lib_archives,unix-san,$(1))
	@echo "  LD      $$@"
	@mkdir -p $$(@D)
	$$(Q)$$(CC_unix-san) $$(LDFLAGS_unix-san) -o $$@ $$^ -lcmocka
UNIT_TESTS += $(B)/unix-san/test/$(1)/test_$(2)
endef

# fuzz_rules LIB NAME: a replay driver (every variant's CC) and, when clang
# is there, a libFuzzer binary.
define fuzz_rules
$(B)/unix-san/fuzz/$(1)/fuzz_$(2): $(B)/unix-san/host/lib/$(1)/fuzz/fuzz_$(2).o \
		$(B)/unix-san/host/tools/fuzz_replay.o \
		$(B)/unix-san/host/lib/core/test/fake_plat.o \
		$(call lib_archives,unix-san,$(1))
	@echo "  LD      $$@"
	@mkdir -p $$(@D)
	$$(Q)$$(CC_unix-san) $$(LDFLAGS_unix-san) -o $$@ $$^
FUZZ_REPLAY += $(B)/unix-san/fuzz/$(1)/fuzz_$(2)

$(B)/fuzz/fuzz/$(1)/fuzz_$(2): $(B)/fuzz/host/lib/$(1)/fuzz/fuzz_$(2).o \
		$(B)/fuzz/host/lib/core/test/fake_plat.o \
		$(call lib_archives,fuzz,$(1))
	@echo "  LD      $$@"
	@mkdir -p $$(@D)
	$$(Q)$$(CC_fuzz) $$(LDFLAGS_fuzz) -o $$@ $$^
FUZZ_LIBFUZZER += $(B)/fuzz/fuzz/$(1)/fuzz_$(2)
endef

# app_load DIR: read DIR/app.mk into APP.DIR.* variables.
define app_load
APP_NAME := $(notdir $(patsubst %/,%,$(1)))
APP_SRCS :=
APP_LIBS := core
APP_DEVICES :=
APP_KEYS :=
APP_DATA :=
APP_PKT_BUFS :=
APP_ZONES :=
APP_SITE :=
include $(1)/app.mk
APP.$(1).NAME := $$(APP_NAME)
# Out-of-tree appliances build under a directory named after their path,
# so two folders with one APP_NAME (or a moved folder) never share objects.
APP.$(1).SUB := $(if $(filter /%,$(1)),ext/$(shell printf '%s' '$(1)' | \
	cksum | cut -d' ' -f1)/)apps/$$(APP_NAME)
APP.$(1).SRCS := $$(APP_SRCS)
APP.$(1).LIBS := $$(APP_LIBS)
APP.$(1).DEVICES := $$(APP_DEVICES)
APP.$(1).DATA := $$(APP_DATA)
APP.$(1).PKT_BUFS := $$(if $$(APP_PKT_BUFS),$$(APP_PKT_BUFS),$$(if \
	$$(filter net:%,$$(APP_DEVICES)),256,0))
APP.$(1).GLUEARGS := -n $$(APP_NAME) -p $$(APP.$(1).PKT_BUFS) \
	$$(foreach d,$$(APP_DEVICES),-d $$(d)) \
	$$(foreach k,$$(APP_KEYS),-k '$$(k)=$$(APP_KEY_$$(k))' \
		-H '$$(APP_HELP_$$(k))') \
	$$(foreach b,$$(APP_DATA),-b $$(firstword $$(subst =, ,$$(b)))=$$(abspath \
		$(1)/$$(word 2,$$(subst =, ,$$(b)))))
APP.$(1).DATAFILES := $$(foreach b,$$(APP_DATA),$(1)/$$(word 2,$$(subst =, \
	,$$(b))))
# APP_ZONES (files in the app folder), or ZONES=a,b on the command line,
# compiled by mkzone into the data blob "zones".
APP.$(1).ZONEFILES := $$(if $$(APP_ZONES),$$(if $$(ZONES),$$(subst $$(comma), \
	,$$(ZONES)),$$(addprefix $(1)/,$$(APP_ZONES))))
APP.$(1).ZONEBLOB := $$(if $$(APP.$(1).ZONEFILES),$(B)/zones/$$(APP.$(1).SUB)/zones.bin)
APP.$(1).GLUEARGS += $$(if $$(APP.$(1).ZONEBLOB),-b zones=$$(abspath \
	$$(APP.$(1).ZONEBLOB)))
APP.$(1).DATAFILES += $$(APP.$(1).ZONEBLOB)
ifneq ($$(APP.$(1).ZONEBLOB),)
# The list of zone files is a prerequisite too: another ZONES= rebuilds.
$$(shell mkdir -p $$(dir $$(APP.$(1).ZONEBLOB)) && echo '$$(APP.$(1).ZONEFILES)' | \
	cmp -s - $$(APP.$(1).ZONEBLOB).list || \
	echo '$$(APP.$(1).ZONEFILES)' > $$(APP.$(1).ZONEBLOB).list)
$$(APP.$(1).ZONEBLOB): $$(APP.$(1).ZONEFILES) $$(APP.$(1).ZONEBLOB).list \
		$$(MKZONE)
	@mkdir -p $$(@D)
	@echo "  MKZONE  $$@"
	$$(Q)$$(MKZONE) -o $$@ $$(APP.$(1).ZONEFILES)
endif
# APP_SITE (a folder in the app folder), or SITE=DIR on the command line,
# compiled by mksite into the data blob "site".
APP.$(1).SITEDIR := $$(if $$(APP_SITE),$$(if $$(SITE),$$(SITE),$(1)/$$(APP_SITE)))
APP.$(1).SITEBLOB := $$(if $$(APP.$(1).SITEDIR),$(B)/site/$$(APP.$(1).SUB)/site.bin)
APP.$(1).GLUEARGS += $$(if $$(APP.$(1).SITEBLOB),-b site=$$(abspath \
	$$(APP.$(1).SITEBLOB)))
APP.$(1).DATAFILES += $$(APP.$(1).SITEBLOB)
ifneq ($$(APP.$(1).SITEBLOB),)
# The folder's name and a listing of what is under it (name, size, time)
# are the prerequisite: another SITE=, or a file added, removed or
# changed, rebuilds.
$$(shell mkdir -p $$(dir $$(APP.$(1).SITEBLOB)) && \
	{ echo '$$(APP.$(1).SITEDIR)'; find -L '$$(APP.$(1).SITEDIR)' \
	-printf '%P %s %T@\n' 2>/dev/null | LC_ALL=C sort; } \
	> $$(APP.$(1).SITEBLOB).list.new && { cmp -s \
	$$(APP.$(1).SITEBLOB).list.new $$(APP.$(1).SITEBLOB).list && \
	rm -f $$(APP.$(1).SITEBLOB).list.new || mv -f \
	$$(APP.$(1).SITEBLOB).list.new $$(APP.$(1).SITEBLOB).list; })
$$(APP.$(1).SITEBLOB): $$(APP.$(1).SITEBLOB).list $$(MKSITE)
	@mkdir -p $$(@D)
	@echo "  MKSITE  $$@"
	$$(Q)$$(MKSITE) -o $$@ '$$(APP.$(1).SITEDIR)'
endif
endef
comma := ,

# app_rules DIR VARIANT: glue, objects and the image.
define app_rules
APPOUT.$(1).$(2) := $(B)/$(2)/$(APP.$(1).SUB)
IMAGE.$(1).$(2) := $(B)/$(2)/$(APP.$(1).SUB)/$(APP.$(1).NAME).$(TARGET_$(2))

$(B)/$(2)/$(APP.$(1).SUB)/glue.c: $(1)/app.mk $(APP.$(1).DATAFILES) \
		$(MKGLUE)
	@mkdir -p $$(@D)
	@echo "  GLUE    $$@"
	$$(Q)$(MKGLUE) -o $$@ $(APP.$(1).GLUEARGS)

$(B)/$(2)/$(APP.$(1).SUB)/glue.o: $(B)/$(2)/$(APP.$(1).SUB)/glue.c
	@echo "  CC      $$@"
	$$(Q)$$(CC_$(2)) $$(CFLAGS_$(2)) $$(LIBFLAGS_$(2)) -Iinclude \
		$$(DEPFLAGS) -c $$< -o $$@

$(B)/$(2)/$(APP.$(1).SUB)/%.o: $(1)/%.c
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$$(Q)$$(CC_$(2)) $$(CFLAGS_$(2)) $$(LIBFLAGS_$(2)) -Iinclude -I$(1) \
		$$(DEPFLAGS) -c $$< -o $$@

$(B)/$(2)/$(APP.$(1).SUB)/$(APP.$(1).NAME).$(TARGET_$(2)): \
		$(patsubst %.c,$(B)/$(2)/$(APP.$(1).SUB)/%.o,$(APP.$(1).SRCS)) \
		$(B)/$(2)/$(APP.$(1).SUB)/glue.o \
		$(PLATOBJS_$(2)) \
		$(call lib_archives,$(2),$(APP.$(1).LIBS))
	@echo "  LD      $$@"
	$$(Q)$$(CC_$(2)) $$(LDFLAGS_$(2)) \
		-Wl,-Map=$$(basename $$@).map -o $$@ $$^ $$(LDLIBS_$(2))

-include $(patsubst %.c,$(B)/$(2)/$(APP.$(1).SUB)/%.d,$(APP.$(1).SRCS))
endef
