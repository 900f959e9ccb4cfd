/*
 * main.c: sayso-admin, the organisers' command line. A thin entry point: the logic lives in
 * the sayso_admin library so tests can link it.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("sayso-admin %s\n", SAYSO_VERSION);
		return 0;
	}
	printf("usage: sayso-admin [--help] [--version]\n");
	return argc > 1 && strcmp(argv[1], "--help") != 0 ? 2 : 0;
}
