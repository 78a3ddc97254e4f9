/* escort explain [--json] [--rules DIR] [--] LINE... */
#include "commands.h"

#include "risk/risk.h"
#include "util/buf.h"
#include "util/file-head.h"
#include "util/json.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void explain_usage(FILE *out)
{
	fputs("usage: escort explain [--json] [--rules DIR] [--] LINE...\n"
	      "Says how risky a command line is and what it would do, in plain words:\n"
	      "the level (info, low, medium, high, critical), a summary, and each finding\n"
	      "with its explanation, why it matters, what to ask the operator, and its\n"
	      "MITRE ATT&CK techniques. Several LINE words are joined with spaces.\n",
	      out);
}

static void print_json(const struct risk_report *r)
{
	struct buf b = {0};

	/* The line as the escort must see it: hidden characters made visible. */
	buf_append_str(&b, "{\"line\":");
	json_append_cstr(&b, r->line);
	buf_printf(&b, ",\"level\":\"%s\",\"summary\":", level_name(r->level));
	json_append_cstr(&b, r->summary);
	buf_append_str(&b, ",\"findings\":[");
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];
		buf_append_str(&b, i ? ",{\"rule\":" : "{\"rule\":");
		json_append_cstr(&b, f->rule);
		buf_printf(&b, ",\"level\":\"%s\",\"attack\":[", level_name(f->level));
		for (size_t k = 0; k < f->attack.n; k++) {
			if (k)
				buf_putc(&b, ',');
			json_append_cstr(&b, f->attack.items[k]);
		}
		buf_append_str(&b, "],\"explain\":");
		json_append_cstr(&b, f->explain);
		buf_append_str(&b, ",\"why\":");
		json_append_cstr(&b, f->why);
		buf_append_str(&b, ",\"ask\":");
		json_append_cstr(&b, f->ask);
		buf_append_str(&b, ",\"undo\":");
		json_append_cstr(&b, f->undo);
		buf_putc(&b, '}');
	}
	buf_append_str(&b, "]}\n");
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

int cmd_explain(int argc, char **argv)
{
	const struct risk_input as_user = {.read_script = read_as_user};
	static const struct option options[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"rules", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *rules = NULL;
	struct risk_engine *engine;
	struct risk_report report;
	struct buf line = {0};
	struct error err;
	int opt, json = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+jr:h", options, NULL)) != -1) {
		if (opt == 'j')
			json = 1;
		else if (opt == 'r')
			rules = optarg;
		else if (opt == 'h') {
			explain_usage(stdout);
			return EXIT_OK;
		} else {
			explain_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		explain_usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			buf_putc(&line, ' ');
		buf_append_str(&line, argv[i]);
	}
	engine = risk_engine_new(rules ? rules : risk_default_rules_dir(), 0, &err);
	if (engine == NULL) {
		fprintf(stderr, "escort explain: %s\n", err.msg);
		buf_free(&line);
		return EXIT_FAILED;
	}
	risk_rate_line(engine, (const char *)buf_cstr(&line), line.len, &as_user, &report);
	if (json)
		print_json(&report);
	else
		print_text(&report);
	risk_report_free(&report);
	risk_engine_free(engine);
	buf_free(&line);
	return EXIT_OK;
}
