# mk/target-hvt.mk: the hvt target, a KVM guest at CPL3 under morgana-hvt.
#
#   hvt       release images: freestanding, -O2, LTO, --gc-sections, stack
#             protector on a global guard, no SSE (integer registers only),
#             a static non-PIE ELF at a link base randomised per build
#   hvt-san   the same with UndefinedBehaviorSanitizer (morgana build
#             --san): every check prints where it failed and ends the
#             guest (platform/hvt/hvt_ubsan.c is the runtime)
#
# HVT_SEED=STRING makes the link base reproducible: the same seed and
# appliance name give the same base. Without it the base comes from
# /dev/urandom at each link.

PLAT_hvt_SRCS := platform/hvt/hvt_start.S platform/hvt/hvt_main.c \
	platform/hvt/hvt_plat.c platform/hvt/hvt_libc.c \
	platform/hvt/hvt_sock.c
HVT_LDS := platform/hvt/hvt.ld

# Flags a compiler may not know: probed once (like musl's tryflag).
hvt_tryflag = $(shell $(CC) $(1) -Werror -x c -c /dev/null -o /dev/null \
	2>/dev/null && echo $(1))

# Code generation for a CPL3 guest with no FPU state of its own: no SSE,
# no red zone, no TLS (the canary is a global), no PIC, no unwind tables.
HVT_MACHINE := -ffreestanding -fno-pic -fno-pie -mno-red-zone -mno-mmx \
	-mno-sse -mno-sse2 -mno-avx $(call hvt_tryflag,-mgeneral-regs-only) \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-asynchronous-unwind-tables -fno-unwind-tables

CC_hvt := $(CC)
AR_hvt := $(AR_LTO)
TARGET_hvt := hvt
CFLAGS_hvt := $(COMMON_CFLAGS) -DMG_TARGET_HVT -O2 -flto $(HVT_MACHINE) \
	-Wframe-larger-than=2048
LIBFLAGS_hvt := $(LIB_CFLAGS)
PLATFLAGS_hvt :=
# clang 14's driver does not know -no-pie; lld takes it directly.
ifeq ($(CC_IS_CLANG),1)
HVT_NOPIE := -Wl,--no-pie
else
HVT_NOPIE := -no-pie
endif
# The machine flags again at link time: LTO generates code there.
LDFLAGS_hvt = -nostdlib -static $(HVT_NOPIE) -O2 -flto $(HVT_MACHINE) \
	$(LD_LTO) -Wl,-T,$(HVT_LDS) \
	-Wl,--defsym=MG_HVT_BASE=$(call hvt_base,$@) -Wl,--gc-sections \
	-Wl,-z,noexecstack -Wl,-z,norelro -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000
LDLIBS_hvt :=

# hvt_base IMAGE: one of 128 pages from MG_HVT_IMAGE_MIN (read from the
# ABI header), from HVT_SEED and the image's name when a seed is given,
# else from /dev/urandom.
HVT_IMAGE_MIN := $(shell sed -n \
	's/^\#define MG_HVT_IMAGE_MIN *\(0x[0-9a-fA-F]*\).*/\1/p' \
	include/mg/hvt_abi.h)
ifeq ($(HVT_IMAGE_MIN),)
$(error cannot read MG_HVT_IMAGE_MIN from include/mg/hvt_abi.h)
endif
HVT_HSEED = $(subst ',,$(HVT_SEED))
hvt_base = $(shell \
	if [ -n '$(HVT_HSEED)' ]; then \
		n=$$(printf '%s' '$(HVT_HSEED):$(notdir $(1))' | cksum | \
		    cut -d' ' -f1); \
	else \
		n=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); \
	fi; \
	printf '0x%x' $$(($(HVT_IMAGE_MIN) + (n % 128) * 4096)))

CC_hvt-san := $(CC_hvt)
AR_hvt-san := $(AR_hvt)
TARGET_hvt-san := hvt
HVT_UBSAN := -fsanitize=undefined -fno-sanitize-recover=all
CFLAGS_hvt-san := $(CFLAGS_hvt) $(HVT_UBSAN)
LIBFLAGS_hvt-san := $(LIBFLAGS_hvt)
PLATFLAGS_hvt-san :=
# hvt_ubsan.o is the runtime. gcc needs the flags at link time too (its
# LTO expands the checks late) and adds no runtime with -nostdlib; clang
# checks at compile time but would link its own runtime.
LDFLAGS_hvt-san = $(LDFLAGS_hvt) $(if $(filter 1,$(CC_IS_CLANG)),,$(HVT_UBSAN))
LDLIBS_hvt-san :=
PLAT_hvt-san_SRCS := $(PLAT_hvt_SRCS) platform/hvt/hvt_ubsan.c

# Platform objects are compiled like library code (freestanding, no libc
# headers). hvt_libc.o defines what code generation itself calls (memcpy,
# __stack_chk_fail), so it stays out of LTO, where those could be dropped
# before the calls to them exist; it and the UBSan runtime are never
# instrumented themselves.
# hvt_plat_rules VARIANT
define hvt_plat_rules
$(B)/$(1)/platform/hvt/hvt_libc.o: HVT_OBJFLAGS := -fno-lto -fno-sanitize=all
$(B)/$(1)/platform/hvt/hvt_ubsan.o: HVT_OBJFLAGS := -fno-lto -fno-sanitize=all
$(B)/$(1)/platform/hvt/%.o: platform/hvt/%.c
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$$(Q)$$(CC_$(1)) $$(CFLAGS_$(1)) $$(LIBFLAGS_$(1)) $$(HVT_OBJFLAGS) \
		-Iinclude -Iplatform/hvt $$(DEPFLAGS) -c $$< -o $$@

# The start object carries the layout: a new linker script relinks.
$(B)/$(1)/platform/hvt/%.o: platform/hvt/%.S $(HVT_LDS)
	@mkdir -p $$(@D)
	@echo "  AS      $$@"
	$$(Q)$$(CC_$(1)) -g -Werror -Iinclude -Iplatform/hvt $$(DEPFLAGS) \
		-c $$< -o $$@
endef
$(foreach v,hvt hvt-san,$(eval $(call hvt_plat_rules,$(v))))
