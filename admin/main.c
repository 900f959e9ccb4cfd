/*
 * main.c: sayso-admin, the organisers' command line. A thin entry point: the
 * commands live in the sayso_admin library (cli.c, cmd_*.c) so tests can run
 * them in-process through admin_main().
 */
#include <stdio.h>

#include "admin.h"

int main(int argc, char **argv)
{
	return admin_main(argc, argv, stdout, stderr);
}
