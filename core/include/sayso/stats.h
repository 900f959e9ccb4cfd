/*
 * stats.h: the figures organisers publish about feedback and reported
 * problems ("88% expressed pride or positivity", "74.8% of issues were
 * resolved"), computed once here so the CLI tables, the JSON/CSV files and
 * the HTML pages all print the same numbers.
 *
 * Periods are half-open [since, until) in UTC milliseconds; 0 means
 * unbounded on that side. Grouping by day or hour uses the local time of the
 * process (TZ), because "busy at lunchtime" means local lunchtime; channel
 * and device group by the stored names.
 *
 * Open311: a report maps onto a GeoReport v2 service request (the category
 * code is the service_code, the reference is the service_request_id, open and
 * in_progress are "open", resolved and rejected are "closed").
 */
#ifndef SAYSO_STATS_H
#define SAYSO_STATS_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include "sayso/err.h"
#include "sayso/categories.h"
#include "sayso/feedback.h"
#include "sayso/store.h"
#include "sayso/tally.h"

#define SAYSO_FACES 5
#define SAYSO_STATS_KEY_MAX 129 /* group key, category or street + NUL */
#define SAYSO_STATS_ANSWERS_MAX                                                \
	100 /* follow-up answers kept, most given first */
#define SAYSO_STATS_Z95 1.959963984540054

/* ---- what counts ---- */

/* The faces that count as positive, one bit per face (bit score - 1):
 * faces 4 and 5 unless [site] positive says otherwise. */
#define SAYSO_POSITIVE_DEFAULT 0x18u
/* Groups with fewer responses than this are "too few to report" ([site]
 * min_group). */
#define SAYSO_MIN_GROUP_DEFAULT 30
#define SAYSO_POSITIVE_TEXT_MAX 40 /* "1, 2, 3 or 4 of 5 faces" + NUL */

/* mask limited to the five faces; SAYSO_POSITIVE_DEFAULT when that leaves
 * none. */
unsigned sayso_positive_mask(unsigned mask);
/* Parses "4,5" (faces 1..5, comma or space separated) into a mask.
 * SAYSO_ERR_INVAL for anything else, for no face and for all five (a
 * definition under which every response is positive says nothing). */
enum sayso_err sayso_positive_parse(const char *s, unsigned *out);
/* The definition as stated next to every figure: "4 or 5 of 5 faces". out
 * >= SAYSO_POSITIVE_TEXT_MAX. Cannot fail. */
void sayso_positive_text(unsigned mask, char *out, size_t outsz);
/* Whether a group of n is too small to report: n < min_group (0 or less =
 * SAYSO_MIN_GROUP_DEFAULT). A group with none is too few as well. */
bool sayso_stats_too_few(int64_t n, int64_t min_group);

/* ---- ratings ---- */

enum sayso_stats_by {
	SAYSO_BY_NONE,
	SAYSO_BY_DAY,	  /* "2026-11-23" (local) */
	SAYSO_BY_HOUR,	  /* "00".."23", hour of day (local) */
	SAYSO_BY_CHANNEL, /* "kiosk", "sms", ... */
	SAYSO_BY_DEVICE,  /* device id */
};
/* "none", "day", "hour", "channel", "device". */
const char *sayso_stats_by_name(enum sayso_stats_by by);
/* Parses one of those names (NULL or "" = none). SAYSO_ERR_INVAL otherwise. */
enum sayso_err sayso_stats_by_parse(const char *s, enum sayso_stats_by *out);

struct sayso_rating_counts {
	int64_t n;		    /* ratings */
	int64_t faces[SAYSO_FACES]; /* faces[score - 1] */
	int64_t positive;	    /* ratings with a positive face */
	double share;		    /* positive / n; 0 when n == 0 */
	double lo, hi;		    /* 95% Wilson score interval of share */
	double mean;		    /* mean score; 0 when n == 0 */
	bool too_few;		    /* n < the summary's min_group */
};

struct sayso_rating_group {
	char key[SAYSO_STATS_KEY_MAX];
	struct sayso_rating_counts c;
};

struct sayso_answer_count {
	char question[SAYSO_STATS_KEY_MAX]; /* "" when none was recorded */
	char answer[SAYSO_ANSWER_MAX + 1];
	int64_t n;
};

struct sayso_ratings_summary {
	int64_t since_ms, until_ms; /* as asked (0 = unbounded) */
	char first[SAYSO_TIME_LEN +
		   1]; /* first and last rating seen, "" if none */
	char last[SAYSO_TIME_LEN + 1];
	struct sayso_rating_counts all;
	enum sayso_stats_by by;
	struct sayso_rating_group *groups; /* in key order; NULL when by none */
	size_t ngroups;
	struct sayso_answer_count *answers; /* most given first, then by text */
	size_t nanswers;		    /* <= SAYSO_STATS_ANSWERS_MAX */
	int64_t answered; /* ratings with a follow-up answer */
	/* Ratings flagged as misuse (sayso/misuse.h) in the period, and
	 * whether they were counted in the figures above. */
	int64_t flagged;
	bool include_flagged;
	unsigned positive_mask; /* the faces counted positive */
	int64_t min_group;	/* groups below it are too_few */
};

struct sayso_event;

/* What a figure counts: a period, a device, a channel, an event. */
struct sayso_stats_scope {
	int64_t since_ms, until_ms; /* [since, until), 0 = open */
	const char *device;	    /* device id, NULL or "" = any */
	const char *channel;	    /* channel name, NULL or "" = any */
	/* NULL = no event; else only what belongs to it (sayso/event.h):
	 * its window is intersected with the period. Not copied: it must
	 * outlive the call. */
	const struct sayso_event *event;
};

struct sayso_ratings_query {
	struct sayso_stats_scope scope;
	enum sayso_stats_by by;
	bool include_flagged; /* count ratings flagged as misuse */
	unsigned positive;    /* faces mask; 0 = SAYSO_POSITIVE_DEFAULT */
	int64_t min_group;    /* 0 = SAYSO_MIN_GROUP_DEFAULT */
};

/*
 * Summarises the ratings in q's scope, grouped by q->by, with q's positive
 * definition; every count (all, groups) carries too_few against
 * q->min_group. out as for sayso_stats_ratings (zeroed first, release with
 * sayso_ratings_summary_cleanup()). SAYSO_ERR_INVAL for a period that ends
 * before it starts; store errors with detail on st.
 */
enum sayso_err sayso_stats_ratings_query(struct sayso_store *st,
					 const struct sayso_ratings_query *q,
					 struct sayso_ratings_summary *out);

/*
 * Summarises the ratings cast in [since_ms, until_ms) (0 = open end), grouped
 * by `by`. out is filled (zeroed first) and owns its arrays: release with
 * sayso_ratings_summary_cleanup(). SAYSO_ERR_INVAL when until <= since (both
 * set); store errors with detail on st.
 */
enum sayso_err sayso_stats_ratings(struct sayso_store *st, int64_t since_ms,
				   int64_t until_ms, enum sayso_stats_by by,
				   struct sayso_ratings_summary *out);
/* The same, choosing whether ratings flagged as misuse are counted (by
 * default, in sayso_stats_ratings, they are not; out->flagged says how many
 * there were either way). */
enum sayso_err sayso_stats_ratings_opt(struct sayso_store *st, int64_t since_ms,
				       int64_t until_ms, enum sayso_stats_by by,
				       bool include_flagged,
				       struct sayso_ratings_summary *out);
/* Frees the arrays; safe on a zeroed or already freed summary. */
void sayso_ratings_summary_cleanup(struct sayso_ratings_summary *s);

/*
 * 95% (or any z) Wilson score interval for k successes out of n. Fills
 * counts' share/lo/hi style values: *lo and *hi in [0, 1]; both 0 when n == 0.
 */
void sayso_stats_wilson(int64_t k, int64_t n, double z, double *lo, double *hi);

/* Reports and counted ballots in a scope (an event's, typically). */
struct sayso_activity {
	int64_t reports;
	int64_t reports_by_status[4];	       /* by enum sayso_report_status */
	int64_t ballots;		       /* counted ballots, any round */
	bool reports_too_few, ballots_too_few; /* against min_group */
};
/* Fills out (zeroed first) for the scope sc. Cannot allocate; store errors
 * with detail on st. */
enum sayso_err sayso_stats_activity(struct sayso_store *st,
				    const struct sayso_stats_scope *sc,
				    int64_t min_group,
				    struct sayso_activity *out);

/* ---- reported problems ---- */

struct sayso_report_count {
	char key[SAYSO_STATS_KEY_MAX]; /* category code or street ("" = none
					  given) */
	int64_t n;		       /* reports */
	int64_t resolved;	       /* of which resolved now */
	bool too_few;		       /* n < the summary's min_group */
};

struct sayso_reports_summary {
	int64_t since_ms, until_ms;
	int64_t total;
	int64_t by_status[4]; /* indexed by enum sayso_report_status */
	double
	    resolution_rate; /* resolved / total (all statuses); 0 when none */
	int64_t resolved_timed; /* resolved reports with a resolution time */
	double
	    median_days; /* median days from report to resolution; -1 if none */
	struct sayso_report_count
	    *categories; /* most reports first, then by key */
	size_t ncategories;
	struct sayso_report_count *streets; /* hotspots: most first, then key */
	size_t nstreets;
	int64_t min_group; /* groups below it are too_few */
	bool too_few;	   /* total < min_group */
};

/*
 * Summarises the reports made in [since_ms, until_ms): counts by status, by
 * category and by street, the resolution rate (resolved / all, whatever their
 * other status) and the median time to resolve. The time to resolve of a
 * report that is resolved now runs from when it was made to its latest change
 * to resolved in report_history (updated_at when history has none). Release
 * with sayso_reports_summary_cleanup().
 */
enum sayso_err sayso_stats_reports(struct sayso_store *st, int64_t since_ms,
				   int64_t until_ms,
				   struct sayso_reports_summary *out);
/*
 * The same for the reports in the scope sc (an event's: the membership rule
 * of sayso/event.h), with too_few on the summary and on every category and
 * street against min_group (0 or less = SAYSO_MIN_GROUP_DEFAULT).
 * sayso_stats_reports() is this with a period alone.
 */
enum sayso_err sayso_stats_reports_scope(struct sayso_store *st,
					 const struct sayso_stats_scope *sc,
					 int64_t min_group,
					 struct sayso_reports_summary *out);
void sayso_reports_summary_cleanup(struct sayso_reports_summary *s);

/*
 * sayso_ballot_counts() (ballot.h) for the ballots of round round_id cast
 * in the scope sc (an event's, by the membership rule of sayso/event.h):
 * counted by channel, superseded, rejected, first and last. out is zeroed
 * first. SAYSO_ERR_INVAL for a period that ends before it starts,
 * SAYSO_ERR_CORRUPT as sayso_ballot_counts().
 */
struct sayso_ballot_counts;
enum sayso_err sayso_stats_ballot_counts(struct sayso_store *st,
					 int64_t round_id,
					 const struct sayso_stats_scope *sc,
					 struct sayso_ballot_counts *out);

#define SAYSO_LOCATION_MAX 256
#define SAYSO_NOTE_MAX 500

/* One report as listed to organisers and partners. */
struct sayso_report_row {
	int64_t id;
	char ref[SAYSO_REF_LEN + 1];
	char category[SAYSO_CATEGORY_MAX + 1];
	char street[SAYSO_STREET_MAX + 1];
	char location[SAYSO_LOCATION_MAX + 1];
	char text[SAYSO_REPORT_TEXT_MAX + 1];
	enum sayso_report_status status;
	char channel[16];
	char device[SAYSO_DEVICE_MAX];
	char cast_at[SAYSO_TIME_LEN + 1];
	char updated_at[SAYSO_TIME_LEN + 1];
	char note[SAYSO_NOTE_MAX + 1]; /* note of the latest change in history
					  (why it has its status now), "" if
					  that change had none */
	char partner[32];	       /* responsible partner's code, "" none */
	bool not_ours;		       /* marked not the partnership's */
	char dup_of[SAYSO_REF_LEN + 1]; /* linked as a duplicate of, "" none */
	bool dup_confirmed;		/* staff confirmed dup_of */
};

struct sayso_report_filter {
	const char *status;   /* status name, NULL = any */
	const char *category; /* code, case-insensitive, NULL = any */
	const char *street;   /* exact street, case-insensitive, NULL = any */
	int64_t since_ms;     /* made in [since, until); 0 = open */
	int64_t until_ms;
	const char *partner; /* responsible partner's code (any case), NULL =
				any; SAYSO_ERR_NOTFOUND for an unknown one */
};

/*
 * Lists the reports matching f (NULL = all), oldest first. *out is malloc'd
 * (free()); *n may be 0. SAYSO_ERR_INVAL for an unknown status name.
 */
enum sayso_err sayso_stats_report_list(struct sayso_store *st,
				       const struct sayso_report_filter *f,
				       struct sayso_report_row **out,
				       size_t *n);

/* ---- Open311 GeoReport v2 ---- */

/* A service request, field names as in GeoReport v2 "requests". */
struct sayso_open311_request {
	char service_request_id[SAYSO_REF_LEN + 1];
	const char *status; /* "open" | "closed" (static) */
	char status_notes[SAYSO_NOTE_MAX + 1];
	char service_name[SAYSO_CATEGORY_MAX + 1];
	char service_code[SAYSO_CATEGORY_MAX + 1];
	char description[SAYSO_REPORT_TEXT_MAX + 1];
	char requested_datetime[32]; /* "2026-11-23T10:15:00Z" */
	char updated_datetime[32];
	char address[SAYSO_STREET_MAX + SAYSO_LOCATION_MAX + 3];
};

/* "open" for open and in_progress, "closed" for resolved and rejected. */
const char *sayso_open311_status(enum sayso_report_status s);

/*
 * Maps a listed report onto a GeoReport v2 request: service_code is the
 * category code and service_name its readable form ("fly_tipping" ->
 * "Fly tipping"); status_notes is the note of the latest change, else a
 * phrase for the
 * status ("In progress", "Resolved", "Rejected"), "" when open; address is
 * "location, street" (either may be absent). Cannot fail.
 */
void sayso_open311_from_report(const struct sayso_report_row *r,
			       struct sayso_open311_request *out);

/* sayso_category_label() and the Open311 service of a category are in
 * sayso/categories.h. */

/* ---- participatory budgeting: what the results page adds to a tally ---- */

/* Turnout (counted ballots by channel, superseded, rejected, first and
 * last) is sayso_ballot_counts() in ballot.h. */

/*
 * The rule in one plain sentence for residents ("Projects were funded in
 * order of votes ..."), into out. rule is an enum sayso_rule (tally.h) value;
 * an unknown value gives "". Cannot fail.
 */
void sayso_stats_rule_sentence(enum sayso_rule rule, char *out, size_t outsz);

#endif
