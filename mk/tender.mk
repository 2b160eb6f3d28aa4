# mk/tender.mk: morgana-hvt, the host program that runs hvt images on KVM,
# and the replay driver for its hypercall-argument fuzz target.

TENDER_SRCS := tender/hvt_main.c tender/hvt_core.c tender/hvt_kvm_x86_64.c \
	tender/hvt_mod_net.c tender/hvt_mod_blk.c tender/hvt_seccomp.c \
	tender/elf.c tender/mft.c platform/host/mft_match.c
TENDER_CFLAGS := $(COMMON_CFLAGS) -O2 -fstack-protector-strong \
	-D_FORTIFY_SOURCE=2 -Iinclude -Iplatform/host
TENDER_OBJS := $(patsubst %.c,$(B)/host/%.o,$(TENDER_SRCS))
# NOTE(tender): linked statically: no dynamic loader, no relocations at
# start-up, fewer private pages per guest (bench/boot, bench/density).
TENDER_LDFLAGS := -static -Wl,-z,relro,-z,now -Wl,-z,noexecstack

$(B)/host/tender/%.o: tender/%.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(TENDER_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/host/platform/host/%.o: platform/host/%.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(TENDER_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/bin/morgana-hvt: $(TENDER_OBJS)
	@mkdir -p $(@D)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(TENDER_LDFLAGS) -o $@ $^ -lseccomp

all: $(B)/bin/morgana-hvt

# The hypercall decoding (hvt_core.c and the device modules) under the
# sanitizers, fed by tools/fuzz_replay.c; the corpus is in
# tender/fuzz/corpus/hvt_hc.
TENDER_FUZZ_SRCS := tender/fuzz/fuzz_hvt_hc.c tender/hvt_core.c \
	tender/hvt_mod_net.c tender/hvt_mod_blk.c

$(B)/unix-san/fuzz/tender/fuzz_hvt_hc: $(patsubst %.c,$(B)/unix-san/host/%.o,\
		$(TENDER_FUZZ_SRCS)) $(B)/unix-san/host/tools/fuzz_replay.o
	@echo "  LD      $@"
	@mkdir -p $(@D)
	$(Q)$(CC_unix-san) $(LDFLAGS_unix-san) -o $@ $^
FUZZ_REPLAY += $(B)/unix-san/fuzz/tender/fuzz_hvt_hc

ifeq ($(HAVE_CLANG),1)
$(B)/fuzz/fuzz/tender/fuzz_hvt_hc: $(patsubst %.c,$(B)/fuzz/host/%.o,\
		$(TENDER_FUZZ_SRCS))
	@echo "  LD      $@"
	@mkdir -p $(@D)
	$(Q)$(CC_fuzz) $(LDFLAGS_fuzz) -o $@ $^
FUZZ_LIBFUZZER += $(B)/fuzz/fuzz/tender/fuzz_hvt_hc
endif

# The image loader (ELF, program headers, manifest) against hostile files;
# the corpus is in tender/fuzz/corpus/elf.
TENDER_ELF_FUZZ_SRCS := tender/fuzz/fuzz_elf.c tender/elf.c tender/mft.c \
	platform/host/mft_match.c
$(B)/unix-san/host/tender/mft.o $(B)/fuzz/host/tender/mft.o: \
	HOSTED_INC += -Iplatform/host

$(B)/unix-san/fuzz/tender/fuzz_elf: $(patsubst %.c,$(B)/unix-san/host/%.o,\
		$(TENDER_ELF_FUZZ_SRCS)) $(B)/unix-san/host/tools/fuzz_replay.o
	@echo "  LD      $@"
	@mkdir -p $(@D)
	$(Q)$(CC_unix-san) $(LDFLAGS_unix-san) -o $@ $^
FUZZ_REPLAY += $(B)/unix-san/fuzz/tender/fuzz_elf

ifeq ($(HAVE_CLANG),1)
$(B)/fuzz/fuzz/tender/fuzz_elf: $(patsubst %.c,$(B)/fuzz/host/%.o,\
		$(TENDER_ELF_FUZZ_SRCS))
	@echo "  LD      $@"
	@mkdir -p $(@D)
	$(Q)$(CC_fuzz) $(LDFLAGS_fuzz) -o $@ $^
FUZZ_LIBFUZZER += $(B)/fuzz/fuzz/tender/fuzz_elf
endif
