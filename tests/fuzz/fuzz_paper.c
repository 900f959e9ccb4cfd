/* fuzz_paper.c: one line of a paper batch (`ballot import`): the
 * code_or_phone column (sayso_identity_normalise), the project list
 * (sayso_picks_parse) and cast_at (the strict time parser), on any bytes.
 * An accepted time formats and parses back to itself and is a real day; a
 * refused one says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/ballot.h"
#include "sayso/identity.h"
#include "sayso/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[256];
	if (size >= sizeof in)
		size = sizeof in - 1;
	memcpy(in, data, size);
	in[size] = '\0';

	char id[SAYSO_VOTER_CODE_MAX];
	enum sayso_id_kind kind;
	const char *why = NULL;
	if (sayso_identity_normalise(in, &kind, id, sizeof id, &why) ==
	    SAYSO_OK) {
		if (kind == SAYSO_ID_PHONE && strncmp(id, "+447", 4) != 0)
			abort();
	} else if (!why) {
		abort();
	}

	struct sayso_pick picks[SAYSO_MAX_PICKS];
	size_t n = 0;
	if (sayso_picks_parse(in, picks, SAYSO_MAX_PICKS, &n, &why) ==
	    SAYSO_OK) {
		if (n == 0 || n > SAYSO_MAX_PICKS)
			abort();
	} else if (!why) {
		abort();
	}

	int64_t ms, again;
	char twhy[96] = "", text[SAYSO_TIME_LEN + 1];
	if (sayso_time_parse_why(in, &ms, twhy, sizeof twhy) == SAYSO_OK) {
		sayso_time_format(ms, text, sizeof text);
		if (sayso_time_parse(text, &again) != SAYSO_OK || again != ms)
			abort();
		/* Strict: the day, hour and minute typed are the ones kept. */
		if (strncmp(in, text, 10) != 0)
			abort();
	} else if (!twhy[0]) {
		abort();
	}
	return 0;
}
