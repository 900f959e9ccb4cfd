/* fuzz_config.c: sayso.ini parsing must reject or accept any bytes without
 * crashing or leaking, and always name the file in its error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sayso/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/sayso-fuzz-config-%d.ini",
		 (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	struct sayso_config c;
	char err[512];
	if (sayso_config_load(&c, path, err, sizeof err) == SAYSO_OK) {
		/* Whatever loaded is consistent. */
		if (c.site.categories.n == 0 || c.kiosk.idle_seconds < 5)
			abort();
		sayso_config_cleanup(&c);
	} else if (!strstr(err, path)) {
		abort();
	}
	unlink(path);
	return 0;
}
