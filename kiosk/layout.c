/*
 * layout.c: right-to-left mirroring of the kiosk's layout, in one place.
 *
 * Screens lay out in left-to-right logical coordinates only. When the
 * language is written right to left (Urdu, Arabic) every rectangle is
 * mirrored on its way to the screen: the drawing primitives (kiosk_fill,
 * kiosk_frame, the faces, the QR code, every text draw) pass their
 * rectangle through kiosk_mirror(), and a tap is mirrored back before the
 * hit test. Navigation, cards, the keypad's place and text alignment all
 * follow with no screen knowing about it. What must keep its order (the
 * keys of a keypad or keyboard, whose rows read left to right in every
 * language) is laid out inside a kiosk_layout_keep() area.
 *
 * The direction is process-wide: the kiosk draws one screen, from one
 * thread, and kiosk_assets_set_language() sets it with the language.
 */
#include "kiosk.h"

static bool layout_rtl;

void kiosk_layout_set_rtl(bool rtl)
{
	layout_rtl = rtl;
}

bool kiosk_layout_rtl(void)
{
	return layout_rtl;
}

SDL_Rect kiosk_mirror(SDL_Rect rc)
{
	if (layout_rtl)
		rc.x = KIOSK_W - rc.x - rc.w;
	return rc;
}

int kiosk_mirror_x(int x)
{
	return layout_rtl ? KIOSK_W - 1 - x : x;
}

SDL_Rect kiosk_layout_keep(SDL_Rect area, SDL_Rect rc)
{
	/* Flipped inside area here, flipped back by kiosk_mirror(): the
	 * area moves to the other side, its contents keep their order. */
	if (layout_rtl)
		rc.x = area.x + area.w - (rc.x - area.x) - rc.w;
	return rc;
}
