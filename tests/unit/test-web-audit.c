/* The auditor's filters, the lines cut for the search index, and the
 * recording's hiding characters made seen: good and hostile input. */
#include "check.h"
#include "util/buf.h"
#include "web/audit-cast-marks.h"
#include "web/audit-filter.h"
#include "web/audit-lines.h"

static void good_filters(void)
{
	const char q[] = "operator=op&host=vm&program=rm&risk=high&decision=denied&from=10&to=20"
			 "&q=%22rm+-rf%22+OR+audit*&id=0123456789abcdef";
	struct audit_filter f;
	const char *why = NULL;

	CHECK(audit_filter_parse(&f, q, sizeof(q) - 1, &why) == 0);
	CHECK_STR(f.operator_, "op");
	CHECK_STR(f.host, "vm");
	CHECK_STR(f.program, "rm");
	CHECK(f.risk == 3);
	CHECK_STR(f.decision, "denied");
	CHECK(f.from == 10 && f.to == 20);
	CHECK_STR(f.q, "\"rm -rf\" OR audit*");
	CHECK_STR(f.session, "0123456789abcdef");
	CHECK(audit_filter_parse(&f, "", 0, &why) == 0 && f.risk == -1 && f.q[0] == '\0');
	CHECK(audit_filter_parse(&f, "risk=&from=", 11, &why) == 0 && f.risk == -1 && f.from == 0);
}

static int refused(const char *q, const char *want)
{
	struct audit_filter f;
	const char *why = NULL;

	if (audit_filter_parse(&f, q, strlen(q), &why) == 0) {
		fprintf(stderr, "accepted: %s\n", q);
		return 0;
	}
	return strstr(why, want) != NULL;
}

static void hostile_filters(void)
{
	static char long_q[600];

	CHECK(refused("risk=extreme", "risk: not a level"));
	CHECK(refused("from=-1", "from: not seconds"));
	CHECK(refused("to=1e9", "to: not seconds"));
	CHECK(refused("from=9999999999999", "from: not seconds"));
	CHECK(refused("from=20&to=10", "from: after to"));
	CHECK(refused("decision=a%27+OR+1", "decision: not"));
	CHECK(refused("id=..%2F..%2Fetc", "id: not a session id"));
	CHECK(refused("id=0123456789ABCDEF", "id: not a session id"));
	CHECK(refused("id=0123", "id: not a session id"));
	CHECK(refused("q=a&q=b", "given twice"));
	CHECK(refused("order=1", "an unknown filter"));
	CHECK(refused("q=%zz", "not form-encoded"));
	memcpy(long_q, "q=", 2);
	memset(long_q + 2, 'x', 501);
	CHECK(refused(long_q, "search: longer than 500"));
}

static struct buf got;

static void line(void *arg, const char *s, size_t len)
{
	(void)arg;
	buf_append(&got, s, len);
	buf_putc(&got, '|');
}

static const char *lines(int typed, const char *bytes)
{
	struct audit_lines l;

	buf_reset(&got);
	audit_lines_init(&l, typed, line, NULL);
	audit_lines_feed(&l, (const uint8_t *)bytes, strlen(bytes));
	audit_lines_end(&l);
	return buf_cstr(&got);
}

static void cut_lines(void)
{
	CHECK_STR(lines(1, "lss\x7f -l\r"), "ls -l|");
	CHECK_STR(lines(1, "rm -rf /\x15"
			   "echo hi\r"),
		  "echo hi|");
	CHECK_STR(lines(1, "caf\xc3\xa9\x7f"
			   "e\r"),
		  "cafe|");
	CHECK_STR(lines(1, "\x1b[Aecho up\r  \r"), "echo up|");
	CHECK_STR(lines(0, "a\x1b[31mred\x1b[0m\r\nb\x1b]0;title\x07"
			   "c\x1b]8;;u\x1b\\d\n"),
		  "ared|bcd|");
	CHECK_STR(lines(0, "tab\there\n\n\n"), "tab here|");
	CHECK_STR(lines(0, "no end"), "no end|");
	/* Output as the screen showed it. */
	CHECK_STR(lines(0, "\x1b(Bcharset\x1b[m \x1b[1;31mcol\x1b[32mour\x1b[0m\n"),
		  "charset colour|");
	CHECK_STR(lines(0, "loading 10%\rdone word\r\n"), "loading 10%|done word|");
	CHECK_STR(lines(0, "b\bbo\bol\bld _\bu\x7f\n"), "bold u|");
	CHECK_STR(lines(0, "x\x1b[5Cgap\x1b[3;1Hplace\x1b[Kend\n"), "x gap placeend|");
	CHECK_STR(lines(0, "a\x1b]0;title\x18"
			   "b\x1bPdcs\x1b\\c\x1bXsos\x07"
			   "d\n"),
		  "abcd|");
	CHECK_STR(lines(0, "a\x1b[1\n2m\n"), "a|");
}

static void marks(void)
{
	struct buf out = {0};
	const char in[] = "a\xe2\x80\xae"
			  "b\xe2\x81\xa6"
			  "c\xe2\x80\x8b"
			  "d\xc3\xa9\xff";

	CHECK(audit_cast_marks(&out, in, sizeof(in) - 1) == 3);
	CHECK_STR(buf_cstr(&out), "a\xef\xbf\xbd"
				  "b\xef\xbf\xbd"
				  "c\xef\xbf\xbd"
				  "d\xc3\xa9\xff");
	buf_free(&out);
}

int main(void)
{
	good_filters();
	hostile_filters();
	cut_lines();
	marks();
	buf_free(&got);
	CHECK_DONE();
}
