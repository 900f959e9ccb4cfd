/*
 * main.c: sayso-kiosk, the touchscreen kiosk. A thin entry point: the logic lives in
 * the sayso_kiosk library so tests can link it.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("sayso-kiosk %s\n", SAYSO_VERSION);
		return 0;
	}
	printf("usage: sayso-kiosk [--help] [--version]\n");
	return argc > 1 && strcmp(argv[1], "--help") != 0 ? 2 : 0;
}
