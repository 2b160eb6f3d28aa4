# mk/target-unix.mk: the unix target, a Linux process, in three variants.
#
#   unix      release images: -O2, LTO, --gc-sections, stack protector
#   unix-san  AddressSanitizer + UndefinedBehaviorSanitizer, for unit
#             tests, fuzz replay and debugging images
#   fuzz      clang libFuzzer (only when clang is installed)

PLAT_unix_SRCS := platform/unix/unix_main.c platform/unix/unix_plat.c \
	platform/unix/unix_sock.c \
	platform/host/mft_match.c

CC_unix := $(CC)
AR_unix := $(AR_LTO)
TARGET_unix := unix
CFLAGS_unix := $(COMMON_CFLAGS) -DMG_TARGET_UNIX -O2 -flto -fstack-protector-strong
LIBFLAGS_unix := $(LIB_CFLAGS) -Wframe-larger-than=2048
PLATFLAGS_unix := -D_FORTIFY_SOURCE=2 -Iplatform/host
LDFLAGS_unix := -O2 -flto $(LD_LTO) -Wl,--gc-sections -Wl,-z,relro,-z,now \
	-Wl,-z,noexecstack
LDLIBS_unix :=

CC_unix-san := $(CC)
AR_unix-san := ar
TARGET_unix-san := unix
CFLAGS_unix-san := $(COMMON_CFLAGS) -DMG_TARGET_UNIX -O1 $(SAN_FLAGS)
LIBFLAGS_unix-san := $(LIB_CFLAGS)
PLATFLAGS_unix-san := -Iplatform/host
LDFLAGS_unix-san := $(SAN_FLAGS) -Wl,--gc-sections
LDLIBS_unix-san :=

CC_fuzz := clang
AR_fuzz := ar
TARGET_fuzz := unix
CFLAGS_fuzz := $(COMMON_CFLAGS) -O1 -fsanitize=fuzzer-no-link \
	$(SAN_FLAGS)
LIBFLAGS_fuzz := -ffreestanding -nostdinc \
	-isystem $(shell clang -print-file-name=include 2>/dev/null)
PLATFLAGS_fuzz :=
LDFLAGS_fuzz := -fsanitize=fuzzer $(SAN_FLAGS)
LDLIBS_fuzz :=
