/*
 * main.c: sayso-kiosk, the touchscreen kiosk. A thin entry point: the logic
 * lives in the sayso_kiosk library (app.c and the screens) so tests link it.
 */
#include <stdio.h>
#include <string.h>

#include "kiosk.h"

int main(int argc, char **argv)
{
	struct kiosk_options opt;
	static struct kiosk_app app;
	int rc = kiosk_parse_args(argc, argv, &opt);

	if (rc == 1)
		return 0;
	if (rc != 0)
		return 2;
	rc = kiosk_app_init(&app, &opt);
	if (rc == 0)
		rc = kiosk_app_run(&app);
	kiosk_app_cleanup(&app);
	return rc;
}
