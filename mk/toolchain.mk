# mk/toolchain.mk: compilers, archivers and the flags every build shares.

CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
HOSTCC ?= $(CC)
CC_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -qi clang && echo 1)
HAVE_CLANG := $(shell command -v clang >/dev/null 2>&1 && echo 1)

ifeq ($(CC_IS_CLANG),1)
AR_LTO := llvm-ar
LD_LTO := -fuse-ld=lld
else
AR_LTO := gcc-ar
LD_LTO :=
endif

# The compiler's own freestanding headers (stdint.h, stddef.h, stdarg.h):
# the only headers a library may include besides include/mg/.
CC_INCDIR := $(shell $(CC) -print-file-name=include)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wcast-qual \
	-Wwrite-strings -Wstrict-prototypes -Wmissing-prototypes \
	-Wmissing-declarations -Wundef -Wvla -Wimplicit-fallthrough \
	-Wformat=2 -Wnull-dereference

COMMON_CFLAGS := -std=gnu11 -g $(WARNINGS) -ffunction-sections -fdata-sections
# Libraries see no libc: freestanding, and only the compiler's headers
# (_LIBC_LIMITS_H_ stops gcc's limits.h from looking for a libc one).
LIB_CFLAGS := -ffreestanding -nostdinc -isystem $(CC_INCDIR) -D_LIBC_LIMITS_H_
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
DEPFLAGS = -MMD -MP

ifeq ($(V),1)
Q :=
else
Q := @
endif
