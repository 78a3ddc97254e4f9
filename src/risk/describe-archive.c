/* {tar}: what tar does, by its mode letter: "Packs /etc into one archive
 * file, /backup/etc.tgz", "Unpacks the archive file /tmp/r.tgz into
 * /srv/app", "Lists what is inside the archive file x.tgz". Text only. */
#include "describe-archive.h"

#include "describe.h"

#include <string.h>

struct tar_words {
	char mode;		/* 'c', 'x', 't', or 0 */
	const char *file, *dir; /* -f FILE, -C DIR */
};

/* A bundle of short options: "-czf", or the first word "czf". */
static int bundle(const char *a, size_t i)
{
	if (a[0] == '-' && a[1] != '-' && a[1] != '\0')
		return 1;
	return i == 0 && a[0] != '\0' && strspn(a, "ctxruAdzjJvfpkmwoSGhlOP") == strlen(a);
}

static void read_bundle(struct tar_words *t, const char *a, const char *next)
{
	for (const char *q = a + (a[0] == '-'); *q; q++) {
		if (strchr("ctx", *q) && t->mode == 0)
			t->mode = *q;
		if (*q == 'f' && t->file == NULL)
			t->file = q[1] ? q + 1 : next;
		if (*q == 'C')
			t->dir = q[1] ? q + 1 : next;
		if (*q == 'f' || *q == 'C')
			return;
	}
}

static void read_long(struct tar_words *t, const char *a, const char *next)
{
	static const char *const modes[] = {"--create", "--extract", "--get", "--list", NULL};
	static const char letters[] = "cxxt";

	for (size_t i = 0; modes[i]; i++)
		if (strcmp(a, modes[i]) == 0 && t->mode == 0)
			t->mode = letters[i];
	if (strncmp(a, "--file", 6) == 0)
		t->file = a[6] == '=' ? a + 7 : next;
	if (strncmp(a, "--directory", 11) == 0)
		t->dir = a[11] == '=' ? a + 12 : next;
}

static void read_tar(struct tar_words *t, const struct real_command *c)
{
	for (size_t i = 0; i < c->args.n; i++) {
		const char *a = c->args.items[i];
		const char *next = i + 1 < c->args.n ? c->args.items[i + 1] : NULL;
		if (strncmp(a, "--", 2) == 0)
			read_long(t, a, next);
		else if (bundle(a, i))
			read_bundle(t, a, next);
	}
}

static void file_words(struct buf *b, const char *file)
{
	if (file == NULL || strcmp(file, "-") == 0)
		buf_append_str(b, "a stream passed on to the next program");
	else
		describe_word(b, file, NULL);
}

int describe_tar(struct buf *b, const struct real_command *c)
{
	struct tar_words t = {0};
	const char *objs[8];
	size_t n = describe_objects(c, objs, 8);

	read_tar(&t, c);
	if (t.mode == 'c') {
		buf_append_str(b, "Packs ");
		for (size_t i = 0; i < n && i < 4; i++) {
			buf_append_str(b, i == 0 ? "" : i + 1 == n ? " and " : ", ");
			describe_word(b, objs[i], NULL);
		}
		buf_append_str(b, n ? " into one archive file: " : "files into one archive file: ");
		file_words(b, t.file);
	} else if (t.mode == 'x') {
		buf_append_str(b, "Unpacks the archive file ");
		file_words(b, t.file);
		buf_append_str(b, " into ");
		if (t.dir)
			describe_word(b, t.dir, NULL);
		else
			buf_append_str(b, "the current folder");
	} else if (t.mode == 't') {
		buf_append_str(b, "Lists what is inside the archive file ");
		file_words(b, t.file);
	} else {
		return 0;
	}
	return 1;
}
