/*
 * datadir.c: the default assets folder (see sayso/datadir.h). The build tree
 * is recognised by the path of the running executable (/proc/self/exe on
 * Linux); where that cannot be read the installed folder is used.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "sayso/datadir.h"

#ifndef SAYSO_DATADIR
#define SAYSO_DATADIR "/usr/local/share/sayso"
#endif
#ifndef SAYSO_SRC_ASSETS
#define SAYSO_SRC_ASSETS SAYSO_DATADIR
#endif
#ifndef SAYSO_BUILD_DIR
#define SAYSO_BUILD_DIR ""
#endif

const char *sayso_datadir_installed(void)
{
	return SAYSO_DATADIR;
}

const char *sayso_datadir(void)
{
	char exe[PATH_MAX];
	const char *build = SAYSO_BUILD_DIR;
	size_t blen = strlen(build);
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (blen == 0 || n <= 0)
		return SAYSO_DATADIR;
	exe[n] = '\0';
	if ((size_t)n > blen && strncmp(exe, build, blen) == 0 &&
	    exe[blen] == '/')
		return SAYSO_SRC_ASSETS;
	return SAYSO_DATADIR;
}
