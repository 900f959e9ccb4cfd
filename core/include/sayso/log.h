/*
 * log.h: levelled logging through a sink the program installs.
 *
 * libsaysocore never prints. It calls sayso_log(), which hands each message to
 * the installed sink (stderr for a CLI, syslog for the daemon, a file for the
 * kiosk). With no sink installed messages are dropped. Never log a secret or a
 * full phone number: use sayso_mask_phone() from identity.h.
 */
#ifndef SAYSO_LOG_H
#define SAYSO_LOG_H

enum sayso_log_level {
	SAYSO_LOG_DEBUG,
	SAYSO_LOG_INFO,
	SAYSO_LOG_WARN,
	SAYSO_LOG_ERROR,
};

/* Receives one formatted message (no trailing newline). msg is valid only for
 * the duration of the call. */
typedef void (*sayso_log_sink)(enum sayso_log_level level, const char *msg,
			       void *ud);

/* Installs sink (NULL drops everything) with its user data. Not thread-safe
 * against concurrent sayso_log(); call it at start-up. */
void sayso_log_set_sink(sayso_log_sink sink, void *ud);

/* Messages below min are not formatted. Default SAYSO_LOG_INFO. */
void sayso_log_set_level(enum sayso_log_level min);

/* Formats (printf-style, truncated at 1 KiB) and passes to the sink. */
void sayso_log(enum sayso_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "debug", "info", "warn", "error". */
const char *sayso_log_level_name(enum sayso_log_level level);

/* A ready-made sink writing "sayso-<prog>: level: msg\n" to stderr; ud is the
 * program name (const char *). */
void sayso_log_stderr_sink(enum sayso_log_level level, const char *msg,
			   void *ud);

#endif
