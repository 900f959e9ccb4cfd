/*
 * reply.h: what a text does, and what we answer.
 *
 * One stored inbound message in, its effect through libsaysocore (ballot,
 * rating, follow-up answer, report, opt-out) and the reply text out. The
 * grammar itself is core's smsparse; the rules are core's ballot and
 * feedback modules. This file decides only the conversation: which reply,
 * in plain English, GSM-7 where possible, at most 160 characters unless a
 * list needs more (then at most three parts, 459 GSM-7 characters).
 */
#ifndef SMSGW_REPLY_H
#define SMSGW_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include "sayso/config.h"
#include "sayso/err.h"
#include "sayso/store.h"

#define SMSGW_REPLY_MAX 480 /* bytes; three GSM-7 parts fit */
#define SMSGW_OUTCOME_MAX 32

/*
 * Acts on body from resident_id (already stored in the inbox) and writes the
 * reply into reply ("" = send nothing: opted out, STOP) and a short outcome
 * tag ("vote", "vote_invalid", "rating", "followup", "report", "stop",
 * "start", "help", ...) into outcome. Runs inside the caller's transaction;
 * a storage error is returned and the caller rolls back. now_ms is the time
 * the message was received.
 */
enum sayso_err smsgw_reply_handle(struct sayso_store *st,
				  const struct sayso_config *cfg,
				  const char *resident_id, const char *body,
				  int64_t now_ms, char *reply, size_t replysz,
				  char *outcome, size_t outcomesz);

/*
 * The same, knowing the sender's number (from_e164, may be NULL): needed to
 * honour "FIXED" after a REPORT, which holds an update in the outbox (the
 * kiosk's "text me when fixed" path) until the report is resolved.
 */
enum sayso_err
smsgw_reply_handle_from(struct sayso_store *st, const struct sayso_config *cfg,
			const char *resident_id, const char *from_e164,
			const char *body, int64_t now_ms, char *reply,
			size_t replysz, char *outcome, size_t outcomesz);

/*
 * Whether a reply must go out as UCS-2 (some character is not in the GSM-7
 * default alphabet or its extension table).
 */
int smsgw_reply_needs_ucs2(const char *utf8);

#endif
