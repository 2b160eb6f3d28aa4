/* SPDX-License-Identifier: ISC */
/* mft_abi.h: the device manifest an image carries in an ELF note. */
#ifndef MG_MFT_ABI_H
#define MG_MFT_ABI_H

#include <stddef.h>
#include <stdint.h>

/*
 * The build embeds the devices an appliance declares in a note section
 * (.note.morgana, ELF note name "Morgana", type MG_MFT_NOTE_TYPE). The
 * platform attaches exactly these devices: it refuses to start when one is
 * not given or when one is given that the image does not declare. The
 * layout is fixed-size so that a loader can check it without parsing
 * anything variable; bump MG_MFT_ABI_VERSION on any change.
 */
#define MG_MFT_ABI_VERSION 2
#define MG_MFT_NOTE_NAME   "Morgana"
#define MG_MFT_NOTE_TYPE   0x4d464d31u /* "1MFM" */
#define MG_MFT_MAX_ENTRIES 16
#define MG_MFT_NAME_MAX    32 /* including the NUL */

enum mg_mft_type {
	MG_MFT_NONE = 0,
	MG_MFT_NET = 1,
	MG_MFT_BLOCK = 2,
};

struct mg_mft_entry {
	char name[MG_MFT_NAME_MAX]; /* NUL-terminated, [a-z0-9_]+ */
	uint32_t type;              /* enum mg_mft_type */
	uint32_t flags;             /* none defined yet: 0 */
	uint32_t reserved[2];       /* 0; 4-byte alignment keeps notes packed */
};

struct mg_mft {
	uint32_t version; /* MG_MFT_ABI_VERSION */
	uint32_t entries; /* used entries, <= MG_MFT_MAX_ENTRIES */
	struct mg_mft_entry e[MG_MFT_MAX_ENTRIES];
	uint32_t mem_mib;   /* v2: memory the appliance wants (heap and
	                       packet buffers), MiB; 0: no opinion */
	uint32_t reserved2; /* 0 */
};

/* The whole note as it sits in the section (ELF note header + name). */
struct mg_mft_note {
	uint32_t namesz; /* sizeof(MG_MFT_NOTE_NAME) == 8 */
	uint32_t descsz; /* sizeof(struct mg_mft) */
	uint32_t type;   /* MG_MFT_NOTE_TYPE */
	char name[8];    /* "Morgana\0" */
	struct mg_mft desc;
};

_Static_assert(sizeof(struct mg_mft_entry) == 48, "mft entry layout");
_Static_assert(offsetof(struct mg_mft_entry, type) == 32, "mft entry layout");
_Static_assert(sizeof(struct mg_mft) == 8 + 16 * 48 + 8, "mft layout");
_Static_assert(offsetof(struct mg_mft_note, desc) == 20, "mft note layout");
_Static_assert(sizeof(MG_MFT_NOTE_NAME) == 8, "note name size");
_Static_assert(_Alignof(struct mg_mft) == 4, "notes are 4-byte aligned");

#endif /* MG_MFT_ABI_H */
