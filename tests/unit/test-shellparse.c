/* The shell parser against lines whose commands we know. */
#include "check.h"
#include "risk/shellparse.h"
#include "util/xmalloc.h"

#include <stdlib.h>

static struct shell_parse p;

static void parse(const char *line)
{
	shell_parse_free(&p);
	CHECK(shell_parse(line, strlen(line), &p) == 0);
}

static const char *arg(size_t cmd, size_t i)
{
	if (cmd >= p.ncmds || i >= p.cmds[cmd].argc)
		return "(none)";
	return p.cmds[cmd].argv[i].text;
}

static void test_simple_and_pipelines(void)
{
	parse("ls -la /tmp");
	CHECK(p.ncmds == 1 && p.cmds[0].argc == 3 && !p.error);
	CHECK_STR(arg(0, 0), "ls");
	CHECK_STR(arg(0, 2), "/tmp");
	parse("cat a | grep -v b | wc -l");
	CHECK(p.ncmds == 3);
	CHECK(p.cmds[0].piped_to == 1 && p.cmds[1].piped_to == 2 && p.cmds[2].piped_to == -1);
	parse("(cd /tmp && rm x) ; echo done || true");
	CHECK(p.ncmds == 4);
	CHECK_STR(arg(1, 0), "rm");
}

static void test_disguised_and_dynamic_names(void)
{
	parse("r\\m -rf /");
	CHECK_STR(arg(0, 0), "rm");
	CHECK(p.cmds[0].argv[0].disguised && !p.cmds[0].argv[0].dynamic);
	parse("'rm' x");
	CHECK_STR(arg(0, 0), "rm");
	CHECK(p.cmds[0].argv[0].disguised);
	parse("\"rm\" x");
	CHECK_STR(arg(0, 0), "rm");
	parse("$'\\x72m' -rf /");
	CHECK_STR(arg(0, 0), "rm");
	CHECK(p.cmds[0].argv[0].disguised);
	parse("$a -rf /");
	CHECK(p.ncmds == 1 && p.cmds[0].argv[0].dynamic);
	parse("ls \"$HOME/x\" 'lit$eral'");
	CHECK(p.cmds[0].argv[1].dynamic);
	CHECK_STR(arg(0, 2), "lit$eral");
	CHECK(!p.cmds[0].argv[0].disguised);
}

static void test_substitutions_and_compounds(void)
{
	parse("echo $(rm -rf /) `id`");
	CHECK(p.ncmds == 3);
	CHECK_STR(arg(1, 0), "rm");
	CHECK(p.cmds[1].nesting == 1 && p.cmds[0].nesting == 0);
	parse("diff <(ls a) <(ls b)");
	CHECK(p.ncmds == 3);
	parse("for i in 1 2; do rm \"$i\"; done");
	CHECK(p.ncmds == 1 && p.cmds[0].argv[1].dynamic);
	parse("if [ -f x ]; then echo y; fi");
	CHECK(p.ncmds == 1);
	CHECK_STR(arg(0, 0), "echo");
	parse("f() { shutdown -h now; }; f");
	CHECK(p.ncmds == 2);
	CHECK_STR(arg(0, 0), "shutdown");
	parse("FOO=1 BAR=\"x y\" env");
	CHECK(p.cmds[0].nassignments == 2);
	CHECK_STR(p.cmds[0].assignments[0].text, "FOO=1");
}

static void test_redirections(void)
{
	parse("echo hi > /etc/passwd");
	CHECK(p.cmds[0].nredirects == 1 && p.cmds[0].redirects[0].writes);
	CHECK_STR(p.cmds[0].redirects[0].target.text, "/etc/passwd");
	parse("ls 2>&1 | tee -a /tmp/x");
	CHECK(p.cmds[0].nredirects == 1 && !p.cmds[0].redirects[0].writes);
	CHECK(p.cmds[0].redirects[0].fd == 2);
	parse("{ echo a; echo b; } >> out.txt");
	CHECK(p.ncmds == 2 && p.cmds[1].nredirects == 1 && p.cmds[1].redirects[0].writes);
	parse("sort < in.txt");
	CHECK(p.cmds[0].nredirects == 1 && !p.cmds[0].redirects[0].writes);
	parse("cat <<EOF\nhello\nEOF\n");
	CHECK(p.ncmds == 1 && p.cmds[0].nredirects == 1);
}

static void test_errors_and_limits(void)
{
	char *deep;
	size_t n = 0;

	parse("echo 'unterminated");
	CHECK(p.error);
	parse("");
	CHECK(p.ncmds == 0 && !p.error);
	deep = malloc(4000);
	for (int i = 0; i < 600; i++)
		n += (size_t)sprintf(deep + n, "$(");
	n += (size_t)sprintf(deep + n, "id");
	for (int i = 0; i < 600; i++)
		deep[n++] = ')';
	deep[n] = '\0';
	parse(deep);
	CHECK(p.error); /* too deep to walk: an error, not a crash */
	free(deep);
	parse("ls\0rm -rf /");
	CHECK(p.ncmds == 1);
}

/* Texts that once crashed or stalled a session host and escortd: a run of
 * 65,535 backticks or braces (libtree-sitter corrupts its heap freeing the
 * tree), and a word of 32,768 quoted pieces (a quadratic walk of 25 s). */
static void test_pathological_texts(void)
{
	size_t n = 70000;
	char *text = xmalloc(n + 1);

	for (const char *c = "`{"; *c; c++) {
		memset(text, *c, n);
		text[n] = '\0';
		shell_parse_free(&p);
		CHECK(shell_parse(text, n, &p) == 0 && p.error);
	}
	for (size_t i = 0; i + 1 < 65536; i += 2) {
		text[i] = '\'';
		text[i + 1] = '"';
	}
	shell_parse_free(&p);
	CHECK(shell_parse(text, 60000, &p) == 0);
	free(text);
}

int main(void)
{
	test_simple_and_pipelines();
	test_disguised_and_dynamic_names();
	test_substitutions_and_compounds();
	test_redirections();
	test_errors_and_limits();
	test_pathological_texts();
	shell_parse_free(&p);
	CHECK_DONE();
}
