/* The report of `escort verify`. Everything that comes from the log (the
 * signer's name, the operator, the host, the problem, which may quote the
 * log) is printed in its visible form: a log cannot write "result: intact"
 * or move the cursor on the auditor's screen. */
#include "verify.h"

#include "util/visible.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

static void put_visible(FILE *out, const char *s)
{
	struct buf b = {0};

	visible_append(&b, s, strlen(s));
	fwrite(b.data, 1, b.len, out);
	buf_free(&b);
}

static void put_line(FILE *out, const char *label, const char *s)
{
	fputs(label, out);
	put_visible(out, s);
	fputc('\n', out);
}

static void put_time(FILE *out, const char *label, uint64_t ns, const char *none)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	char when[64];

	if (ns == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(when, sizeof(when), "%s", none);
	fprintf(out, "%s%s\n", label, when);
}

static void print_session(FILE *out, const struct verify_session *s)
{
	put_line(out, "session:    ", s->id[0] ? s->id : "(unreadable)");
	fputs("operator:   ", out);
	put_visible(out, s->user[0] ? s->user : "(not recorded)");
	fputs(" on ", out);
	put_visible(out, s->host[0] ? s->host : "(not recorded)");
	fputc('\n', out);
	put_time(out, "started:    ", s->start_ns, "not recorded");
	put_time(out, "ended:      ", s->end_ns, "not recorded");
}

static void print_signer(FILE *out, const struct verify_report *r)
{
	fputs("signer:     ", out);
	put_visible(out, r->signer[0] ? r->signer : "none");
	fprintf(out, " (%s)\n",
		r->signer_trusted     ? "matches --key"
		: r->signer_ephemeral ? "a key made for this session only: it proves only that "
					"the log is self-consistent; pass --key for a key you trust"
				      : "named by the log itself: pass --key to check it is yours");
	if (r->signer_ephemeral && r->signer_why[0]) {
		put_line(out,
			 "            WARNING: the session had no signing key: ", r->signer_why);
	}
	if (r->signer_changed)
		fprintf(out, "            (a recovery signed with a new session key)\n");
}

static void print_coverage(FILE *out, const struct verify_report *r)
{
	if (r->signed_up_to == 0)
		fprintf(out, "signed:     none\n");
	else
		fprintf(out, "signed:     records 0..%" PRIu64 "%s\n", r->signed_up_to - 1,
			r->signed_up_to + 1 == r->records ? " (all before the sealing checkpoint)"
							  : "");
	if (r->mac_only_to > r->mac_only_from)
		fprintf(out, "MAC-only:   records %" PRIu64 "..%" PRIu64 "\n", r->mac_only_from,
			r->mac_only_to - 1);
	fprintf(out, "MACs:       %s\n",
		r->macs_checked > 0    ? "checked with the auditor key"
		: r->macs_checked == 0 ? "not checked (give --auditor-key with the secret key)"
				       : "not checked: the MAC keys were not sealed to an auditor");
	fprintf(out, "torn bytes: %" PRIu64 "\n", r->torn_bytes);
	if (r->superseded_bytes)
		fprintf(out,
			"superseded: %" PRIu64 " bytes written again in a later segment after "
			"a failed sync\n",
			r->superseded_bytes);
}

static void print_kept(FILE *out, const struct verify_report *r)
{
	if (!r->kept.given || r->kept.matched == 0)
		return; /* the result says why */
	fprintf(out,
		"kept:       %" PRIu64 " checkpoint(s) kept apart are in the log, the newest of "
		"%" PRIu64 " records",
		r->kept.matched, r->kept.newest);
	if (r->kept.other)
		fprintf(out, " (%" PRIu64 " kept of another log)", r->kept.other);
	fputc('\n', out);
}

static void print_result(FILE *out, const struct verify_report *r)
{
	if (!r->intact) {
		fputs("result:     NOT INTACT: ", out);
		put_visible(out, r->problem);
		fputc('\n', out);
	} else if (r->ending == ENDING_COMPLETE) {
		fprintf(out, "result:     complete%s\n",
			r->recoveries ? " (its log was recovered after a crash on the way)" : "");
	} else {
		fprintf(out, "result:     crashed, recovered: the session's end was not "
			     "recorded; what verified was kept and sealed by a recovery\n");
	}
}

/* A segment header no good checkpoint signs says what it likes ("after a
 * failed sync"): the count says which part of the line is only its word. */
static void print_segments(FILE *out, const struct verify_report *r)
{
	fprintf(out, "segments:   %" PRIu64 " (%u after a failed sync, %u after recovery",
		r->segments, r->sync_failures, r->recoveries);
	if (r->segments > r->signed_segments)
		fprintf(out,
			"; %" PRIu64 " not signed by any checkpoint: their reasons are only "
			"the file's word",
			r->segments - r->signed_segments);
	fputs(")\n", out);
}

void verify_print(FILE *out, const char *path, const struct verify_report *r)
{
	put_line(out, "log:        ", path);
	print_session(out, &r->session);
	print_segments(out, r);
	fprintf(out, "records:    %" PRIu64 " in %" PRIu64 " bytes\n", r->records, r->bytes);
	print_signer(out, r);
	print_coverage(out, r);
	print_kept(out, r);
	print_result(out, r);
}
