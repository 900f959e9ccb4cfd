/*
 * cmd_event.c: `sayso-admin event create|list|show|close`: the occasions a
 * partnership reports on by name (a fun day, a consultation evening).
 *
 *   event create CODE --title T --from TIME --to TIME [--device ID ...]
 *                [--channel sms ...] [--place TEXT]
 *   event list [--since D] [--until D] [--format table|csv|json]
 *   event show CODE [--format table|csv|json]
 *   event close CODE
 *
 * --device and --channel may be given more than once or as a comma list.
 * What belongs to an event is core's rule (sayso/event.h); `event show`
 * prints the event's figures from core (sayso_stats_ratings_query,
 * sayso_stats_activity) with the site's positive definition and min_group.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "sayso/event.h"
#include "sayso/stats.h"

/* Adds each comma-separated item of v as a device or channel. */
static int add_sources(struct admin_ctx *ctx, struct sayso_event *e,
		       const char *what, const char *v)
{
	char item[SAYSO_DEVICE_MAX];
	const char *p = v;

	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		enum sayso_err err;

		if (len == 0 || len >= sizeof item) {
			fprintf(ctx->err,
				"sayso-admin event create: --%s: '%s' is not "
				"a list of names\n",
				what, v);
			return ADMIN_EXIT_USAGE;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		err = strcmp(what, "device") == 0
			  ? sayso_event_add_device(e, item)
			  : sayso_event_add_channel(e, item);
		if (err == SAYSO_ERR_TOOBIG) {
			fprintf(ctx->err,
				"sayso-admin event create: more than %d %ss\n",
				strcmp(what, "device") == 0
				    ? SAYSO_EVENT_DEVICES_MAX
				    : SAYSO_EVENT_CHANNELS_MAX,
				what);
			return ADMIN_EXIT_USAGE;
		}
		if (err != SAYSO_OK) {
			fprintf(ctx->err,
				"sayso-admin event create: --%s: '%s' is not "
				"%s\n",
				what, item,
				strcmp(what, "device") == 0
				    ? "a device id"
				    : "kiosk, sms, paper or import");
			return ADMIN_EXIT_USAGE;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return ADMIN_EXIT_OK;
}

/* admin_args keeps the last value of an option; --device and --channel
 * may be repeated, so every occurrence is collected here. */
static int collect_sources(struct admin_ctx *ctx, struct sayso_event *e,
			   int argc, char **argv)
{
	static const char *const names[] = {"device", "channel"};
	int i, rc;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		for (k = 0; k < 2; k++) {
			size_t nl = strlen(names[k]);
			const char *a = argv[i];

			if (strncmp(a, "--", 2) != 0 ||
			    strncmp(a + 2, names[k], nl) != 0)
				continue;
			if (a[2 + nl] == '=')
				rc = add_sources(ctx, e, names[k], a + 3 + nl);
			else if (a[2 + nl] == '\0' && i + 1 < argc)
				rc = add_sources(ctx, e, names[k], argv[++i]);
			else
				continue;
			if (rc != 0)
				return rc;
			break;
		}
	}
	return ADMIN_EXIT_OK;
}

static int parse_time(struct admin_ctx *ctx, const char *what, const char *v,
		      int64_t *out)
{
	if (sayso_time_parse(v, out) != SAYSO_OK) {
		fprintf(ctx->err,
			"sayso-admin event create: --%s: '%s' is not a "
			"date/time like 2026-06-14T11:00:00Z\n",
			what, v);
		return ADMIN_EXIT_USAGE;
	}
	return ADMIN_EXIT_OK;
}

int admin_cmd_event_create(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *title = NULL, *from = NULL, *to = NULL, *place = NULL,
		   *device = NULL, *channel = NULL;
	const struct admin_opt opts[] = {
	    {"title", &title, NULL},   {"from", &from, NULL},
	    {"to", &to, NULL},	       {"place", &place, NULL},
	    {"device", &device, NULL}, {"channel", &channel, NULL},
	    {NULL, NULL, NULL},
	};
	const char *cmd = "event create";
	struct sayso_event e;
	char *pos[1];
	int npos = 0, rc;
	enum sayso_err err;

	rc = admin_args(ctx, cmd, argc, argv, opts, pos, 1, 1, &npos);
	if (rc != 0)
		return rc;
	if (!title || !from || !to) {
		fprintf(ctx->err,
			"sayso-admin %s: --title, --from and --to "
			"are required\n",
			cmd);
		admin_usage(ctx, cmd, ctx->err);
		return ADMIN_EXIT_USAGE;
	}
	memset(&e, 0, sizeof e);
	if (strlen(pos[0]) >= sizeof e.code ||
	    strlen(title) >= sizeof e.title ||
	    (place && strlen(place) >= sizeof e.place))
		return admin_fail(ctx,
				  "%s: the code, title or place is too "
				  "long",
				  cmd);
	memcpy(e.code, pos[0], strlen(pos[0]) + 1);
	memcpy(e.title, title, strlen(title) + 1);
	if (place)
		memcpy(e.place, place, strlen(place) + 1);
	if ((rc = parse_time(ctx, "from", from, &e.from_ms)) != 0 ||
	    (rc = parse_time(ctx, "to", to, &e.to_ms)) != 0 ||
	    (rc = collect_sources(ctx, &e, argc, argv)) != 0)
		return rc;
	if (e.to_ms <= e.from_ms)
		return admin_fail(ctx, "%s: --to is not after --from", cmd);
	if (admin_open(ctx, ADMIN_WRITE) != ADMIN_EXIT_OK)
		return ADMIN_EXIT_ERROR;
	err = sayso_store_begin(ctx->st);
	if (err == SAYSO_OK)
		err = sayso_event_create(ctx->st, &e, ctx->actor);
	if (err == SAYSO_OK)
		err = sayso_store_commit(ctx->st);
	else
		sayso_store_rollback(ctx->st);
	if (err != SAYSO_OK)
		return admin_fail_store(ctx, cmd, err);
	fprintf(ctx->out, "created event %s \"", e.code);
	admin_term_puts(ctx->out, e.title);
	fputs("\"\n", ctx->out);
	return ADMIN_EXIT_OK;
}

/* "k1, k2, sms (texts)" or "all devices and channels". */
static void sources_text(const struct sayso_event *e, char *out, size_t outsz)
{
	size_t i, len = 0;

	out[0] = '\0';
	if (sayso_event_all_sources(e)) {
		snprintf(out, outsz, "all devices and channels");
		return;
	}
	for (i = 0; i < e->ndevices + e->nchannels && len < outsz; i++) {
		const char *v = i < e->ndevices ? e->devices[i]
						: e->channels[i - e->ndevices];
		int w =
		    snprintf(out + len, outsz - len, "%s%s%s", i ? ", " : "",
			     i < e->ndevices ? "" : "all ", v);

		if (w < 0)
			break;
		len += (size_t)w;
	}
}

void *admin_event_json(const struct sayso_event *e, int64_t now_ms)
{
	json_t *o = json_object(), *d = json_array(), *c = json_array();
	char t[SAYSO_TIME_LEN + 1];
	size_t i;

	json_object_set_new(o, "code", admin_json_str(e->code));
	json_object_set_new(o, "title", admin_json_str(e->title));
	json_object_set_new(o, "place", admin_json_str(e->place));
	sayso_time_format(e->from_ms, t, sizeof t);
	json_object_set_new(o, "from", admin_json_str(t));
	sayso_time_format(e->to_ms, t, sizeof t);
	json_object_set_new(o, "to", admin_json_str(t));
	json_object_set_new(o, "state",
			    admin_json_str(sayso_event_state_name(
				sayso_event_state_at(e, now_ms))));
	for (i = 0; i < e->ndevices; i++)
		json_array_append_new(d, admin_json_str(e->devices[i]));
	for (i = 0; i < e->nchannels; i++)
		json_array_append_new(c, admin_json_str(e->channels[i]));
	json_object_set_new(o, "devices", d);
	json_object_set_new(o, "channels", c);
	json_object_set_new(o, "all_sources",
			    json_boolean(sayso_event_all_sources(e)));
	return o;
}

static void event_cells(const struct sayso_event *e, int64_t now,
			char (*buf)[256], const char **cells)
{
	char t[SAYSO_TIME_LEN + 1];

	cells[0] = e->code;
	cells[1] = e->title;
	sayso_time_format(e->from_ms, t, sizeof t);
	snprintf(buf[0], sizeof buf[0], "%.16s", t);
	sayso_time_format(e->to_ms, t, sizeof t);
	snprintf(buf[1], sizeof buf[1], "%.16s", t);
	cells[2] = buf[0];
	cells[3] = buf[1];
	cells[4] = sayso_event_state_name(sayso_event_state_at(e, now));
	sources_text(e, buf[2], sizeof buf[2]);
	cells[5] = buf[2];
	cells[6] = e->place;
}

int admin_cmd_event_list(struct admin_ctx *ctx, int argc, char **argv)
{
	static const char *const h[] = {"code",	 "title",   "from", "to",
					"state", "sources", "place"};
	const char *since = NULL, *until = NULL, *format = NULL;
	const struct admin_opt opts[] = {
	    {"since", &since, NULL},
	    {"until", &until, NULL},
	    {"format", &format, NULL},
	    {NULL, NULL, NULL},
	};
	struct sayso_event *ev = NULL;
	enum admin_format fmt;
	int64_t lo, hi, now = sayso_time_now_ms();
	size_t n = 0, i;
	int npos = 0, rc;
	enum sayso_err err;

	rc = admin_args_fmt(ctx, "event list", argc, argv, opts, NULL, 0, 0,
			    &npos, &fmt);
	if (rc == 0)
		rc = admin_period(ctx, "event list", since, until, &lo, &hi);
	if (rc != 0)
		return rc;
	if (admin_open(ctx, ADMIN_READ) != ADMIN_EXIT_OK)
		return ADMIN_EXIT_ERROR;
	err = sayso_event_list(ctx->st, lo, hi, &ev, &n);
	if (err != SAYSO_OK)
		return admin_fail_store(ctx, "event list", err);
	if (fmt == ADMIN_FMT_JSON) {
		json_t *a = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(a, admin_event_json(&ev[i], now));
		rc = admin_json_print(ctx, a);
	} else {
		struct admin_table *t = admin_table_new(7, h, "lllllll");

		for (i = 0; i < n && t; i++) {
			char buf[3][256];
			const char *cells[7];

			event_cells(&ev[i], now, buf, cells);
			admin_table_add(t, cells);
		}
		if (t)
			admin_table_print(t, ctx->out, fmt);
		admin_table_free(t);
	}
	free(ev);
	return rc;
}

int admin_cmd_event_show(struct admin_ctx *ctx, int argc, char **argv)
{
	const char *format = NULL;
	const struct admin_opt opts[] = {
	    {"format", &format, NULL},
	    {NULL, NULL, NULL},
	};
	struct admin_event_figures fig;
	enum admin_format fmt;
	char *pos[1];
	int npos = 0, rc;

	rc = admin_args_fmt(ctx, "event show", argc, argv, opts, pos, 1, 1,
			    &npos, &fmt);
	if (rc != 0)
		return rc;
	if (admin_open(ctx, ADMIN_READ) != ADMIN_EXIT_OK)
		return ADMIN_EXIT_ERROR;
	rc = admin_event_figures_load(ctx, "event show", pos[0], &fig);
	if (rc != 0)
		return rc;
	if (fmt == ADMIN_FMT_JSON)
		rc = admin_json_print(ctx, admin_event_figures_json(&fig));
	else if (fmt == ADMIN_FMT_CSV)
		admin_event_figures_csv(ctx->out, &fig, true, 1);
	else
		admin_event_figures_print(ctx, &fig);
	admin_event_figures_cleanup(&fig);
	return rc;
}

int admin_cmd_event_close(struct admin_ctx *ctx, int argc, char **argv)
{
	char *pos[1];
	int npos = 0, rc;
	enum sayso_err err;

	rc = admin_args(ctx, "event close", argc, argv, NULL, pos, 1, 1, &npos);
	if (rc != 0)
		return rc;
	if (admin_open(ctx, ADMIN_WRITE) != ADMIN_EXIT_OK)
		return ADMIN_EXIT_ERROR;
	err = sayso_store_begin(ctx->st);
	if (err == SAYSO_OK)
		err = sayso_event_close(ctx->st, pos[0], sayso_time_now_ms(),
					ctx->actor);
	if (err == SAYSO_OK)
		err = sayso_store_commit(ctx->st);
	else
		sayso_store_rollback(ctx->st);
	if (err != SAYSO_OK)
		return admin_fail_store(ctx, "event close", err);
	fprintf(ctx->out, "closed event %s\n", pos[0]);
	return ADMIN_EXIT_OK;
}
