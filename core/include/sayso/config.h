/*
 * config.h: sayso.ini, shared by the kiosk, the SMS gateway and the admin CLI.
 *
 * Parsed with inih. Every key has a default, so sayso runs with no file at all
 * (the embedded default: ./sayso.db and the demo round's settings). Unknown
 * sections or keys and bad values are errors that name file:line. The struct
 * is plain data; lists are NUL-terminated strings owned by the struct and
 * released by sayso_config_cleanup().
 */
#ifndef SAYSO_CONFIG_H
#define SAYSO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "sayso/err.h"
#include "sayso/limits.h"

#define SAYSO_URL_MAX 512
#define SAYSO_NAME_MAX 128
#define SAYSO_LIST_MAX 256 /* items in a list-valued key */

struct sayso_list {
	char **items; /* each malloc'd */
	size_t n;
	size_t cap; /* slots allocated in items */
};

enum sayso_verify { SAYSO_VERIFY_NONE, SAYSO_VERIFY_SMS, SAYSO_VERIFY_CODE };
/* [kiosk] speech: the Listen button shown (button), speech from the first
 * touch (on: an accessible terminal with a headphone socket), none (off). */
enum sayso_speech_mode {
	SAYSO_SPEECH_BUTTON,
	SAYSO_SPEECH_ON,
	SAYSO_SPEECH_OFF,
};
enum sayso_provider {
	SAYSO_PROVIDER_KANNEL,
	SAYSO_PROVIDER_TWILIO,
	SAYSO_PROVIDER_SPOOL,
};

struct sayso_config {
	char
	    source[SAYSO_PATH_MAX]; /* file read, "" for the embedded default */
	struct {
		char name[SAYSO_NAME_MAX];	 /* "Poets Streets" */
		char database[SAYSO_PATH_MAX];	 /* ./sayso.db, or a
						    postgresql:// URI */
		char secret[SAYSO_PATH_MAX];	 /* "" = <database>.secret;
						    required for PostgreSQL */
		char results_url[SAYSO_URL_MAX]; /* QR target */
		char country[64]; /* "United Kingdom": pabulib export META */
		struct sayso_list
		    languages;	/* of sayso_lang_code(); first is the default */
		char round[33]; /* default round code, "" = the open one */
		struct sayso_list categories; /* report category codes
						 (categories.h) */
		struct sayso_list streets;    /* street picker, SMS match */
		unsigned positive; /* faces counted positive, bit score - 1:
				      "4,5" (sayso_positive_parse) */
		int min_group;	   /* 30: smaller groups "too few to report" */
	} site;
	struct {
		int idle_seconds;	   /* 60 */
		int idle_countdown;	   /* 30 */
		char staff_pin[17];	   /* "" = staff exit disabled */
		enum sayso_verify verify;  /* sms */
		int repeat_seconds;	   /* 5: ratings closer are flagged */
		int code_limit_per_number; /* 3 texted codes a day */
		int code_limit_per_hour;   /* 30 texted codes per kiosk */
		bool cursor;		   /* false: hidden */
		bool fullscreen;	   /* true */
		char device[SAYSO_DEVICE_MAX]; /* "" = derived from the database
						*/
		char font[SAYSO_PATH_MAX];     /* "" = fontconfig lookup */
		char assets[SAYSO_PATH_MAX];   /* "" = built-in path */
		/* Font chain per language, first choice first ("fonts_ur =
		 * NotoNastaliqUrdu-Regular.ttf, NotoSans-Regular.ttf"); empty
		 * = the kiosk's built-in chain for that language. */
		struct sayso_list fonts_en, fonts_pl, fonts_cy, fonts_ur,
		    fonts_pa, fonts_bn, fonts_ar;
		enum sayso_speech_mode speech; /* button */
		/* 600: the idle limit in walkabout mode (staff pausing
		 * between streets); idle_countdown and the wipe follow. */
		int walkabout_idle_seconds;
		/* "": none. With a postgresql:// database, an enrolled kiosk
		 * file (sayso-admin kiosk enrol) the kiosk saves on while the
		 * server cannot be reached; merged when it is back. */
		char fallback[SAYSO_PATH_MAX];
	} kiosk;
	struct {
		enum sayso_provider provider; /* kannel */
		char listen[64];	      /* 127.0.0.1:8088 */
		int rate_per_minute;	      /* 10 */
		int followup_minutes;	      /* 30 */
		int max_attempts;	      /* 8 */
	} smsgw;
	struct {
		char sendsms_url[SAYSO_URL_MAX];
		char username[64];
		char password[128];
		char from[32];
	} kannel;
	struct {
		char account_sid[64];
		char auth_token[128];
		char from[32];
		char api_base[SAYSO_URL_MAX];
		char public_url[SAYSO_URL_MAX];
		int poll_seconds;
	} twilio;
	struct {
		char incoming[SAYSO_PATH_MAX];
		char outgoing[SAYSO_PATH_MAX];
		char processed[SAYSO_PATH_MAX];
		int poll_ms;
		int keep_hours; /* 24: processed/ files kept, then deleted */
	} spool;
};

/* Fills c with the embedded default. c must later go to sayso_config_cleanup.
 */
enum sayso_err sayso_config_defaults(struct sayso_config *c);

/*
 * Defaults, then the file at path on top. On SAYSO_ERR_PARSE or SAYSO_ERR_IO,
 * err receives "path:line: what is wrong" and c is left cleaned up (no need
 * to call cleanup). Relative database/spool paths are taken as given (relative
 * to the working directory), like every Unix tool.
 */
enum sayso_err sayso_config_load(struct sayso_config *c, const char *path,
				 char *err, size_t errsz);

/* Frees the lists. Safe on a zeroed or already cleaned struct. */
void sayso_config_cleanup(struct sayso_config *c);

/* Parses "host:port" of listen into host (>= 64) and port. */
enum sayso_err sayso_config_listen(const char *listen, char *host,
				   size_t hostsz, unsigned short *port);

#endif
