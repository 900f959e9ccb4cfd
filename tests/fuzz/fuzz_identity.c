/* fuzz_identity.c: phone and voter-code normalisation on any bytes. A number
 * that is accepted must be a well-formed UK mobile and normalise to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[128];
	if (size >= sizeof in)
		size = sizeof in - 1;
	memcpy(in, data, size);
	in[size] = '\0';
	char out[SAYSO_E164_MAX], again[SAYSO_E164_MAX];
	const char *why = NULL;
	if (sayso_phone_normalise(in, out, sizeof out, &why) == SAYSO_OK) {
		if (strlen(out) != 13 || strncmp(out, "+447", 4) != 0)
			abort();
		if (sayso_phone_normalise(out, again, sizeof again, &why) !=
			SAYSO_OK ||
		    strcmp(out, again) != 0)
			abort();
	} else if (!why) {
		abort();
	}
	char code[SAYSO_VOTER_CODE_MAX];
	if (sayso_code_normalise(in, code, sizeof code, &why) == SAYSO_OK &&
	    strlen(code) < 4)
		abort();
	return 0;
}
