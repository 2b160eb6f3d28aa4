/* SPDX-License-Identifier: ISC */
/* hvt_start.S: the ELF entry of an hvt image. */

/*
 * The tender enters here at CPL3 in 64-bit mode with RSP at the top of a
 * ready stack and RDI = MG_HVT_BOOT_GPA (struct mg_hvt_boot). Nothing here
 * is privileged: the guest has no CPL0 code at all.
 */
	.section .text.hvt_start, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	andq $-16, %rsp		/* SysV: 16-byte aligned before the call */
	xorl %ebp, %ebp		/* the end of every frame-pointer walk */
	call hvt_main
	/* hvt_main does not return; if it did, halt as an abort. */
	movl $255, %edi
	call hvt_halt
1:	jmp 1b
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
