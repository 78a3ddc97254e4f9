/* Checks on the words the risk engine gives the escort for a typed line,
 * shared by test-explain-words and test-explain-detail: the explanations
 * of every finding (one a line), then "undo: ..." for each, then
 * "rules: ids"; SAYS/NEVER_SAYS look for a text in them, RATED checks the
 * line's level, ONCE that a text is said at most once. */
#ifndef ESCORT_EXPLAIN_CHECK_H
#define ESCORT_EXPLAIN_CHECK_H

#include "check.h"
#include "risk/risk.h"
#include "util/buf.h"

#include <stdlib.h>

static struct risk_engine *engine;

static inline const char *words(const char *line, int *level)
{
	static struct buf b;
	struct risk_report r;

	buf_reset(&b);
	risk_rate_line(engine, line, strlen(line), NULL, &r);
	for (size_t i = 0; i < r.n; i++)
		buf_printf(&b, "%s\n", r.findings[i].explain);
	for (size_t i = 0; i < r.n; i++)
		buf_printf(&b, "undo: %s\n", r.findings[i].undo);
	buf_append_str(&b, "rules:");
	for (size_t i = 0; i < r.n; i++)
		buf_printf(&b, " %s", r.findings[i].rule);
	*level = r.level;
	risk_report_free(&r);
	return buf_cstr(&b);
}

static inline void says(const char *file, int line_no, const char *line, const char *text, int want)
{
	int level;
	const char *w = words(line, &level);

	if ((strstr(w, text) != NULL) != want) {
		fprintf(stderr, "%s:%d: %s\n  %s \"%s\":\n%s\n", file, line_no, line,
			want ? "does not say" : "says", text, w);
		check_failures++;
	}
}

static inline void rated(const char *file, int line_no, const char *line, int want)
{
	int level;

	words(line, &level);
	if (level != want) {
		fprintf(stderr, "%s:%d: %s\n  rated %d, want %d\n", file, line_no, line, level,
			want);
		check_failures++;
	}
}

static inline void once(const char *file, int line_no, const char *line, const char *text)
{
	int level;
	const char *w = words(line, &level), *at = strstr(w, text);

	if (at && strstr(at + 1, text)) {
		fprintf(stderr, "%s:%d: %s\n  says \"%s\" twice:\n%s\n", file, line_no, line, text,
			w);
		check_failures++;
	}
}

/* Loads the rules in argv[1], runs each group of checks, returns the
 * number of failures. */
static inline int explain_check_main(int argc, char **argv, void (*const groups[])(void))
{
	struct error err;

	if (argc != 2)
		return 2;
	setenv("ESCORT_NO_WHATIS", "1", 1);
	engine = risk_engine_new(argv[1], RISK_NO_WHATIS, &err);
	if (engine == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	for (size_t i = 0; groups[i] != NULL; i++)
		groups[i]();
	risk_engine_free(engine);
	CHECK_DONE();
}

#define SAYS(line, text) says(__FILE__, __LINE__, line, text, 1)
#define NEVER_SAYS(line, text) says(__FILE__, __LINE__, line, text, 0)
#define RATED(line, level) rated(__FILE__, __LINE__, line, level)
#define ONCE(line, text) once(__FILE__, __LINE__, line, text)

#endif
