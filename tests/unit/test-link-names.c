/* The other names of linked files: the first name is kept, links the session
 * made are counted, a file with a name from elsewhere is not "all known",
 * and a file pushed out of the bounded table is simply not known. */
#include "check.h"
#include "gate/link-names.h"

#include <string.h>
#include <sys/stat.h>

static struct stat file(dev_t dev, ino_t ino, nlink_t nlink)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = dev;
	st.st_ino = ino;
	st.st_nlink = nlink;
	return st;
}

static void check_counts(void)
{
	struct link_names *l = link_names_new();
	struct stat st = file(8, 100, 2);
	int all = 1;

	CHECK(link_names_other(l, &st, &all) == NULL && !all);
	link_names_add(l, &st, "/srv/app/data.db");
	CHECK_STR(link_names_other(l, &st, &all), "/srv/app/data.db");
	CHECK(all);
	link_names_add(l, &st, "/tmp/x"); /* a second link: the first name stays */
	st.st_nlink = 3;
	CHECK_STR(link_names_other(l, &st, &all), "/srv/app/data.db");
	CHECK(all);
	st.st_nlink = 4; /* a name the session did not make */
	CHECK(link_names_other(l, &st, &all) != NULL && !all);
	st = file(9, 100, 2); /* same inode number, another file system */
	CHECK(link_names_other(l, &st, &all) == NULL && !all);
	link_names_free(l);
}

static void check_bounded(void)
{
	struct link_names *l = link_names_new();
	struct stat first = file(8, 1, 2);
	int all = 1, known = 0;

	link_names_add(l, &first, "/srv/first");
	for (ino_t i = 2; i < 100000; i++) {
		struct stat st = file(8, i, 2);
		link_names_add(l, &st, "/srv/many");
	}
	for (ino_t i = 2; i < 100000; i++) {
		struct stat st = file(8, i, 2);
		known += link_names_other(l, &st, &all) != NULL;
	}
	CHECK(known > 0 && known < 100000 - 2);
	CHECK(link_names_other(l, &first, &all) == NULL && !all); /* forgotten: held */
	link_names_free(l);
}

int main(void)
{
	check_counts();
	check_bounded();
	CHECK_DONE();
}
