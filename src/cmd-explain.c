/* escort explain [--json] [--rules DIR] [--] LINE...
 * escort explain --batch [--rules DIR] < LINES */
#include "commands.h"

#include "explain/batch.h"
#include "explain/report-json.h"
#include "risk/risk.h"
#include "util/buf.h"
#include "util/file-head.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void explain_usage(FILE *out)
{
	fputs("usage: escort explain [--json] [--rules DIR] [--] LINE...\n"
	      "       escort explain --batch [--rules DIR] < LINES\n"
	      "Says how risky a command line is and what it would do, in plain words:\n"
	      "the level (info, low, medium, high, critical), a summary, and each finding\n"
	      "with its explanation, why it matters, what to ask the operator, and its\n"
	      "MITRE ATT&CK techniques. Several LINE words are joined with spaces.\n"
	      "--batch rates every line of the standard input and writes one JSON\n"
	      "object per line; a line that cannot be rated gets an \"error\" instead.\n",
	      out);
}

static void print_json(const struct risk_report *r)
{
	struct buf b = {0};

	buf_putc(&b, '{');
	report_json_members(&b, r);
	buf_append_str(&b, "}\n");
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
}

static void print_text(const struct risk_report *r)
{
	printf("Line:     %s\nRisk:     %s\nSummary:  %s\n", r->line, level_name(r->level),
	       r->summary);
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];
		printf("\n[%s] %s", level_name(f->level), f->rule);
		for (size_t k = 0; k < f->attack.n; k++)
			printf("%s%s", k ? ", " : "  (ATT&CK ", f->attack.items[k]);
		printf("%s\n", f->attack.n ? ")" : "");
		printf("  What it does:       %s\n  Why it matters:     %s\n"
		       "  Ask the operator:   %s\n  Can it be undone:   %s\n",
		       f->explain, f->why, f->ask, f->undo);
	}
}

/* explain runs as the user who typed it: the scripts the line names are read
 * with that user's rights. */
static int read_as_user(void *ctx, const char *path, struct buf *out, size_t max)
{
	(void)ctx;
	return file_head_read(path, out, max);
}

struct explain_args {
	const char *rules;
	int json, batch;
};

/* Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, struct explain_args *a)
{
	static const struct option options[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"batch", no_argument, NULL, 'b'},
	    {"rules", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+jbr:h", options, NULL)) != -1) {
		if (opt == 'j')
			a->json = 1;
		else if (opt == 'b')
			a->batch = 1;
		else if (opt == 'r')
			a->rules = optarg;
		else if (opt == 'h') {
			explain_usage(stdout);
			return EXIT_OK;
		} else {
			explain_usage(stderr);
			return EXIT_USAGE;
		}
	}
	/* --batch reads its lines from the standard input, never the arguments. */
	if (a->batch ? optind < argc : optind >= argc) {
		explain_usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

static int explain_args(struct risk_engine *engine, int argc, char **argv,
			const struct explain_args *a, const struct risk_input *in)
{
	struct risk_report report;
	struct buf line = {0};

	for (int i = optind; i < argc; i++) {
		if (i > optind)
			buf_putc(&line, ' ');
		buf_append_str(&line, argv[i]);
	}
	risk_rate_line(engine, (const char *)buf_cstr(&line), line.len, in, &report);
	if (a->json)
		print_json(&report);
	else
		print_text(&report);
	risk_report_free(&report);
	buf_free(&line);
	return EXIT_OK;
}

static int explain_stdin(struct risk_engine *engine, const struct risk_input *in)
{
	if (explain_batch(engine, STDIN_FILENO, stdout, in) < 0) {
		fprintf(stderr, "escort explain: reading the standard input: %s\n",
			strerror(errno));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

int cmd_explain(int argc, char **argv)
{
	const struct risk_input as_user = {.read_script = read_as_user};
	struct explain_args a = {0};
	struct risk_engine *engine;
	struct error err;
	int status = parse_args(argc, argv, &a);

	if (status >= 0)
		return status;
	engine = risk_engine_new(a.rules ? a.rules : risk_default_rules_dir(), 0, &err);
	if (engine == NULL) {
		fprintf(stderr, "escort explain: %s\n", err.msg);
		return EXIT_FAILED;
	}
	if (a.batch)
		status = explain_stdin(engine, &as_user);
	else
		status = explain_args(engine, argc, argv, &a, &as_user);
	risk_engine_free(engine);
	return status;
}
