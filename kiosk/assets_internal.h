/*
 * assets_internal.h: what assets.c (QR code, faces) and text.c (fonts,
 * shaping, the text cache) share: the inside of struct kiosk_assets. No
 * other file includes it.
 */
#ifndef SAYSO_KIOSK_ASSETS_INTERNAL_H
#define SAYSO_KIOSK_ASSETS_INTERNAL_H

#include "kiosk.h"

#define KIOSK_FACES_MAX 32 /* font files known (every chain together) */
#define KIOSK_CHAIN_MAX 24 /* families in one language's chain */
#define KIOSK_CACHE_SLOTS 512

/* One font file, opened lazily at each style's size. */
struct kiosk_face {
	char path[SAYSO_PATH_MAX]; /* "" = the DejaVu built into the kiosk */
	bool bold;		   /* the file is a bold face */
	bool missing;		   /* would not open: logged once, skipped */
	TTF_Font *at[KF_COUNT];
};

/* A chain entry: a regular face and the bold one (the same face when the
 * family has no bold file: SDL_ttf then emboldens it). */
struct kiosk_family {
	int regular, bold; /* indexes into faces */
};

struct kiosk_text_entry {
	char *text;
	enum kiosk_font font;
	int wrap; /* 0 one line, > 0 wrapped, < 0 wrapped and centred */
	Uint32 colour;
	SDL_Texture *tex;
	int w, h; /* the layout box */
	int over; /* ink above the box's top (tall scripts) */
};

struct kiosk_assets {
	SDL_Renderer *ren;
	const struct sayso_config *cfg; /* the app's; outlives the assets */
	bool have_font;
	bool large; /* large text (kiosk_assets_set_large) */
	struct kiosk_face faces[KIOSK_FACES_MAX];
	int nfaces;
	/* The language being drawn: its chain (its own fonts first, then
	 * the other configured languages' fonts, DejaVu last) and its
	 * paragraph direction. */
	char lang[16];
	bool rtl;
	struct kiosk_family chain[KIOSK_CHAIN_MAX];
	int nchain;
	uint32_t logged_missing[16]; /* code points no font has, logged */
	int nlogged;
	struct kiosk_text_entry cache[KIOSK_CACHE_SLOTS];
	size_t ncached;
	size_t cached_bytes;
	char qr_url[SAYSO_URL_MAX];
	SDL_Texture *qr_tex;
	bool qr_failed;
};

#endif
