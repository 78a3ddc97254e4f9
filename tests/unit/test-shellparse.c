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
	shell_parse_free(&p);
	free(text);
}

static int same_parse(const struct shell_parse *a, const struct shell_parse *b)
{
	if (a->ncmds != b->ncmds || a->error != b->error)
		return 0;
	for (size_t i = 0; i < a->ncmds; i++) {
		const struct shell_command *x = &a->cmds[i], *y = &b->cmds[i];
		if (x->argc != y->argc || x->nassignments != y->nassignments ||
		    x->nredirects != y->nredirects || x->piped_to != y->piped_to ||
		    x->nesting != y->nesting)
			return 0;
		for (size_t k = 0; k < x->argc; k++)
			if (strcmp(x->argv[k].text, y->argv[k].text) != 0 ||
			    x->argv[k].dynamic != y->argv[k].dynamic ||
			    x->argv[k].disguised != y->argv[k].disguised)
				return 0;
	}
	return 1;
}

/* The fast way for plain words gives what tree-sitter gives, on every line it
 * takes: chosen ones, and random lines of the bytes it accepts. */
static void check_plain_agrees(const char *line, size_t *taken)
{
	struct shell_parse fast, tree;

	if (!shell_parse_plain(line, strlen(line), &fast))
		return;
	(*taken)++;
	CHECK(shell_parse_tree(line, strlen(line), &tree) == 0);
	if (!same_parse(&fast, &tree))
		fprintf(stderr, "plain and tree-sitter parses differ: [%s]\n", line);
	CHECK(same_parse(&fast, &tree));
	shell_parse_free(&fast);
	shell_parse_free(&tree);
}

static void test_plain_words_fast_way(void)
{
	/* clang-format off */
	static const char *const lines[] = {
	    "ls", "ls -la /var/log", "  systemctl\tstatus  nginx  ", "a:b c,d", "% 1", "%1",
	    "2 ls", ": x", ".. .", "-x", "+x", "a@b", "x%y", "1", "123 456", "a-b_c.d/e", "@", ",",
	    ":", "...", "echo in", "echo fi done", "git log --oneline -n 10", "kill -9 1234",
	    "fg %1", "-", "--", "ls --color=auto", "fi", "time ls", "export A", "for", "in x",
	    "done", "unset HISTFILE", "ls # c", "ls;", "a=b ls", "ls ~", "ls *",
	    "ps aux | grep nginx", "a|b|c", "dmesg | tail", "a || b", "a |", "| a", "a | | b",
	    "a | fi", "a |& b", "free && df -h", "uname -r; uptime", "a || b | c && d ; e",
	    "ls --color=auto", "a=b", "ls &", "a & b", "a &&& b", "a;;b", "a ;", "a=b c"};
	/* clang-format on */
	static const char alphabet[] = "abcdefilnorstux-+./_:,@%=019 \t|;&";
	char line[24];
	size_t taken = 0;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		check_plain_agrees(lines[i], &taken);
	CHECK(taken == 23); /* the rest have keywords, odd names or shell syntax */
	srand(16);
	for (int n = 0; n < 20000; n++) {
		size_t len = (size_t)(rand() % (int)(sizeof(line) - 1));
		for (size_t k = 0; k < len; k++)
			line[k] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
		line[len] = '\0';
		check_plain_agrees(line, &taken);
	}
	CHECK(shell_parse_plain("ls 'x'", 6, &p) == 0 && shell_parse_plain("", 0, &p) == 0);
}

int main(void)
{
	test_simple_and_pipelines();
	test_disguised_and_dynamic_names();
	test_substitutions_and_compounds();
	test_redirections();
	test_errors_and_limits();
	test_pathological_texts();
	test_plain_words_fast_way();
	shell_parse_free(&p);
	CHECK_DONE();
}
