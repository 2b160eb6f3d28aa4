/* SPDX-License-Identifier: ISC */
/* hvt_ubsan.c: UndefinedBehaviorSanitizer handlers for hvt-san images. */
#include "hvt_int.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Images built with --san (the hvt-san variant) are compiled with
 * -fsanitize=undefined -fno-sanitize-recover=all: each check that fails
 * calls one of the handlers below with a pointer to static data that
 * starts with the source location. The handlers print what failed and
 * where, then end the guest with status 255 (no recovery: the appliance
 * is not trusted past undefined behaviour). This file is built without
 * sanitizers and calls nothing that is instrumented.
 */

struct ubsan_loc {
	const char *file;
	uint32_t line;
	uint32_t col;
};

struct ubsan_type_mismatch {
	struct ubsan_loc loc;
	const void *type;
	uint8_t log_align;
	uint8_t kind;
};

static void
put(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	hvt_puts(s, n);
}

static void
put_u64(uint64_t v, unsigned base)
{
	static const char digits[] = "0123456789abcdef";
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v != 0 && i > 0);
	hvt_puts(buf + i, sizeof(buf) - i);
}

/*
 * "PANIC: ubsan: WHAT at FILE:LINE:COL", with " (0xADDR, alignment N)" for
 * a misaligned pointer, then the end of the guest.
 */
__attribute__((noreturn)) static void
report_ptr(const char *what, const struct ubsan_loc *loc, uintptr_t ptr,
    uintptr_t align)
{
	static bool in_report;

	if (!in_report) {
		in_report = true;
		put("PANIC: ubsan: ");
		put(what);
		if (align != 0) {
			put(" (0x");
			put_u64(ptr, 16);
			put(", alignment ");
			put_u64(align, 10);
			put(")");
		}
		if (loc != NULL && loc->file != NULL) {
			put(" at ");
			put(loc->file);
			put(":");
			put_u64(loc->line, 10);
			put(":");
			put_u64(loc->col, 10);
		}
		put("\n");
	}
	hvt_halt(HVT_EXIT_ABORT);
}

__attribute__((noreturn)) static void
report(const char *what, const struct ubsan_loc *loc)
{
	report_ptr(what, loc, 0, 0);
}

/* One check: the recovering and the aborting entry both end the guest. */
#define UBSAN_HANDLER(name, what)                                              \
	void __ubsan_handle_##name(const struct ubsan_loc *loc);               \
	void __ubsan_handle_##name##_abort(const struct ubsan_loc *loc);       \
	void __ubsan_handle_##name(const struct ubsan_loc *loc)                \
	{                                                                      \
		report(what, loc);                                             \
	}                                                                      \
	void __ubsan_handle_##name##_abort(const struct ubsan_loc *loc)        \
	{                                                                      \
		report(what, loc);                                             \
	}

UBSAN_HANDLER(add_overflow, "signed addition overflow")
UBSAN_HANDLER(sub_overflow, "signed subtraction overflow")
UBSAN_HANDLER(mul_overflow, "signed multiplication overflow")
UBSAN_HANDLER(negate_overflow, "signed negation overflow")
UBSAN_HANDLER(divrem_overflow, "division overflow or by zero")
UBSAN_HANDLER(shift_out_of_bounds, "shift out of bounds")
UBSAN_HANDLER(out_of_bounds, "array index out of bounds")
UBSAN_HANDLER(vla_bound_not_positive, "variable-length array bound <= 0")
UBSAN_HANDLER(load_invalid_value, "load of an invalid value (bool/enum)")
UBSAN_HANDLER(pointer_overflow, "pointer arithmetic overflow")
UBSAN_HANDLER(nonnull_arg, "null passed as a nonnull argument")
UBSAN_HANDLER(nullability_arg, "null passed as a _Nonnull argument")
UBSAN_HANDLER(invalid_builtin, "invalid argument to a builtin")
UBSAN_HANDLER(alignment_assumption, "alignment assumption violated")
UBSAN_HANDLER(implicit_conversion, "implicit conversion changed the value")
UBSAN_HANDLER(float_cast_overflow, "float conversion overflow")
UBSAN_HANDLER(function_type_mismatch, "call through a mismatched type")

/* These have no recovering form. */
void __ubsan_handle_builtin_unreachable(const struct ubsan_loc *loc);
void __ubsan_handle_missing_return(const struct ubsan_loc *loc);

void
__ubsan_handle_builtin_unreachable(const struct ubsan_loc *loc)
{
	report("__builtin_unreachable reached", loc);
}

void
__ubsan_handle_missing_return(const struct ubsan_loc *loc)
{
	report("end of a value-returning function reached", loc);
}

/* The location of a bad return is the second argument. */
void __ubsan_handle_nonnull_return_v1(const void *data,
    const struct ubsan_loc *loc);
void __ubsan_handle_nonnull_return_v1_abort(const void *data,
    const struct ubsan_loc *loc);

void
__ubsan_handle_nonnull_return_v1(const void *data, const struct ubsan_loc *loc)
{
	(void)data;
	report("null returned from a returns_nonnull function", loc);
}

void
__ubsan_handle_nonnull_return_v1_abort(const void *data,
    const struct ubsan_loc *loc)
{
	(void)data;
	report("null returned from a returns_nonnull function", loc);
}

__attribute__((noreturn)) static void
type_mismatch(const struct ubsan_type_mismatch *d, uintptr_t ptr)
{
	uintptr_t align = (uintptr_t)1 << (d->log_align & 63);

	if (ptr == 0)
		report("null pointer use", &d->loc);
	if (d->log_align != 0 && (ptr & (align - 1)) != 0)
		report_ptr("misaligned pointer use", &d->loc, ptr, align);
	report("access outside the object's size", &d->loc);
}

void __ubsan_handle_type_mismatch_v1(const struct ubsan_type_mismatch *d,
    uintptr_t ptr);
void __ubsan_handle_type_mismatch_v1_abort(const struct ubsan_type_mismatch *d,
    uintptr_t ptr);

void
__ubsan_handle_type_mismatch_v1(const struct ubsan_type_mismatch *d,
    uintptr_t ptr)
{
	type_mismatch(d, ptr);
}

void
__ubsan_handle_type_mismatch_v1_abort(const struct ubsan_type_mismatch *d,
    uintptr_t ptr)
{
	type_mismatch(d, ptr);
}
