#include "describe-sql.h"

#include "util/visible.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct stmt {
	const char *s, *end;
};

/* The next word of st (letters, digits, _ . " ` * and quotes), or 0. */
static size_t next_word(struct stmt *st, const char **w)
{
	while (st->s < st->end && isspace((unsigned char)*st->s))
		st->s++;
	*w = st->s;
	while (st->s < st->end && !isspace((unsigned char)*st->s) && *st->s != '(' && *st->s != ',')
		st->s++;
	return (size_t)(st->s - *w);
}

static int is(const char *w, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(w, word, n) == 0;
}

/* The rest of the statement from the keyword kw on, or NULL. */
static const char *clause(const struct stmt *st, const char *kw)
{
	size_t k = strlen(kw);

	for (const char *p = st->s; p + k <= st->end; p++)
		if (strncasecmp(p, kw, k) == 0 && (p == st->s || isspace((unsigned char)p[-1])) &&
		    (p + k == st->end || isspace((unsigned char)p[k])))
			return p;
	return NULL;
}

static void quoted(struct buf *b, const char *s, const char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && (isspace((unsigned char)end[-1]) || end[-1] == ';'))
		end--;
	buf_append_str(b, "\u201c");
	visible_append(b, s, (size_t)(end - s));
	buf_append_str(b, "\u201d");
}

static void name(struct buf *b, const char *w, size_t n)
{
	visible_append(b, w, n);
}

/* The condition after WHERE is always true (1=1, true, 'a'='a', 1): it
 * limits nothing. */
static int always_true(const char *cond, const char *end)
{
	char c[128];
	size_t n = 0, eq;

	for (; cond < end && n + 1 < sizeof(c); cond++)
		if (!isspace((unsigned char)*cond) && *cond != ';' && *cond != '(' && *cond != ')')
			c[n++] = (char)tolower((unsigned char)*cond);
	c[n] = '\0';
	if (strcmp(c, "true") == 0 || strcmp(c, "1") == 0 || strcmp(c, "nottrue") == 0)
		return strcmp(c, "nottrue") != 0;
	eq = strcspn(c, "=");
	return c[eq] == '=' && eq > 0 && strlen(c + eq + 1) == eq &&
	       strncmp(c, c + eq + 1, eq) == 0;
}

/* " that match “WHERE ...”", or every row when there is no condition or it
 * is always true. */
static void where(struct buf *b, const struct stmt *st)
{
	const char *w = clause(st, "where");

	if (w && always_true(w + 5, st->end)) {
		buf_append_str(b, " \u2014 every row: its condition ");
		quoted(b, w, st->end);
		buf_append_str(b, " is always true, so it limits nothing");
	} else if (w) {
		buf_append_str(b, " that match ");
		quoted(b, w, st->end);
	} else {
		buf_append_str(b, " \u2014 every row, since there is no WHERE condition");
	}
}

static void delete_rows(struct buf *b, struct stmt *st)
{
	const char *w;
	size_t n = next_word(st, &w);

	if (is(w, n, "from"))
		n = next_word(st, &w);
	buf_append_str(b, "deletes the rows of table ");
	name(b, w, n);
	where(b, st);
}

/* "password_hash to “'x'”" for each "column = value" of a SET clause. */
static void assignments(struct buf *b, const char *s, const char *end)
{
	int quote = 0, shown = 0;
	const char *from = s;

	for (const char *p = s; p <= end; p++) {
		if (p < end && (*p == '\'' || *p == '"'))
			quote = !quote;
		if (p < end && (quote || *p != ','))
			continue;
		const char *eq = memchr(from, '=', (size_t)(p - from));
		if (eq && shown < 3) {
			const char *k = from, *ke = eq;
			while (k < ke && isspace((unsigned char)*k))
				k++;
			while (ke > k && isspace((unsigned char)ke[-1]))
				ke--;
			buf_append_str(b, shown ? ", " : "");
			visible_append(b, k, (size_t)(ke - k));
			buf_append_str(b, " to ");
			quoted(b, eq + 1, p);
			shown++;
		}
		from = p + 1;
	}
}

static void update_rows(struct buf *b, struct stmt *st)
{
	const char *w, *set, *wh;
	size_t n = next_word(st, &w);

	buf_append_str(b, "changes the rows of table ");
	name(b, w, n);
	set = clause(st, "set");
	wh = clause(st, "where");
	if (set) {
		buf_append_str(b, " (it sets ");
		assignments(b, set + 3, wh ? wh : st->end);
		buf_putc(b, ')');
	}
	where(b, st);
}

static void drop(struct buf *b, struct stmt *st)
{
	const char *w;
	size_t n = next_word(st, &w), kn;
	const char *kind = w;

	kn = n;
	n = next_word(st, &w);
	if (is(w, n, "if")) { /* IF EXISTS */
		next_word(st, &w);
		n = next_word(st, &w);
	}
	if (is(kind, kn, "database") || is(kind, kn, "schema"))
		buf_append_str(b, "deletes the whole database ");
	else if (is(kind, kn, "table"))
		buf_append_str(b, "deletes the table ");
	else if (is(kind, kn, "user") || is(kind, kn, "role"))
		buf_append_str(b, "deletes the database account ");
	else {
		buf_append_str(b, "deletes the ");
		visible_append(b, kind, kn);
		buf_putc(b, ' ');
	}
	name(b, w, n);
	if (is(kind, kn, "database") || is(kind, kn, "schema"))
		buf_append_str(b, " with all its tables and data");
	else if (is(kind, kn, "table"))
		buf_append_str(b, " with all its rows");
}

static void grant(struct buf *b, struct stmt *st, int revoke)
{
	const char *on = clause(st, "on"), *to = clause(st, revoke ? "from" : "to");

	buf_append_str(b, revoke ? "takes the rights " : "gives the rights ");
	quoted(b, st->s, on ? on : to ? to : st->end);
	if (on) {
		buf_append_str(b, " on ");
		quoted(b, on + 3, to ? to : st->end);
	}
	if (to) {
		buf_append_str(b, revoke ? " away from " : " to ");
		quoted(b, to + (revoke ? 5 : 3), st->end);
	}
}

/* CREATE USER x ..., CREATE TABLE t ... */
static void create(struct buf *b, struct stmt *st)
{
	const char *kind, *w;
	size_t kn = next_word(st, &kind), n;

	if (is(kind, kn, "or")) { /* OR REPLACE */
		next_word(st, &kind);
		kn = next_word(st, &kind);
	}
	n = next_word(st, &w);
	if (is(kind, kn, "user") || is(kind, kn, "role"))
		buf_append_str(b, "creates the database account ");
	else {
		buf_append_str(b, "creates the ");
		visible_append(b, kind, kn);
		buf_putc(b, ' ');
	}
	name(b, w, n);
	if (st->s < st->end && (is(kind, kn, "user") || is(kind, kn, "role"))) {
		buf_append_str(b, " (");
		quoted(b, st->s, st->end);
		buf_putc(b, ')');
	}
}

static void one_statement(struct buf *b, struct stmt *st)
{
	const char *w;
	size_t n = next_word(st, &w), tn;
	const char *t;

	if (is(w, n, "delete"))
		delete_rows(b, st);
	else if (is(w, n, "update"))
		update_rows(b, st);
	else if (is(w, n, "drop"))
		drop(b, st);
	else if (is(w, n, "truncate")) {
		tn = next_word(st, &t);
		if (is(t, tn, "table"))
			tn = next_word(st, &t);
		buf_append_str(b, "empties table ");
		name(b, t, tn);
		buf_append_str(b, " (every row is deleted)");
	} else if (is(w, n, "grant") || is(w, n, "revoke"))
		grant(b, st, is(w, n, "revoke"));
	else if (is(w, n, "insert")) {
		tn = next_word(st, &t);
		if (is(t, tn, "into"))
			tn = next_word(st, &t);
		buf_append_str(b, "adds rows to table ");
		name(b, t, tn);
	} else if (is(w, n, "create")) {
		create(b, st);
	} else if (is(w, n, "alter")) {
		buf_append_str(b, "changes the structure of the database: ");
		quoted(b, w, st->end);
	} else if (is(w, n, "select") || is(w, n, "show") || is(w, n, "explain")) {
		buf_append_str(b, "reads and shows ");
		quoted(b, w, st->end);
	} else {
		buf_append_str(b, "runs ");
		quoted(b, w, st->end);
	}
}

/* db.getSiblingDB("app").REST is db.REST of the database app: db is set to
 * its name and ".REST" returned; else text. */
static const char *sibling_db(const char *text, char *db, size_t size)
{
	static const char call[] = "db.getSiblingDB(";
	const char *q, *end;
	char quote[2] = "";

	if (strncmp(text, call, sizeof(call) - 1) != 0)
		return text;
	q = text + sizeof(call) - 1;
	if (*q != '"' && *q != '\'')
		return text;
	quote[0] = *q;
	end = q + 1 + strcspn(q + 1, quote);
	if (*end == '\0' || (size_t)(end - q - 1) >= size || strncmp(end + 1, ").", 2) != 0)
		return text;
	memcpy(db, q + 1, (size_t)(end - q - 1));
	db[end - q - 1] = '\0';
	return end + 2; /* ".REST" */
}

/* db.NAME.CALL(ARGS) of the mongo shell: what CALL does to collection NAME. */
static int describe_mongo(struct buf *b, const char *text)
{
	static const struct {
		const char *call, *words;
	} calls[] = {
	    {"drop(", "deletes the collection (table) %s with all its records"},
	    {"deleteMany(", "deletes the records of collection %s that match "},
	    {"deleteOne(", "deletes one record of collection %s that matches "},
	    {"remove(", "deletes the records of collection %s that match "},
	    {"updateMany(", "changes the records of collection %s that match "},
	    {"updateOne(", "changes one record of collection %s that matches "},
	    {"replaceOne(", "replaces one record of collection %s that matches "},
	    {"insertOne(", "adds a record to collection %s"},
	    {"insertMany(", "adds records to collection %s"},
	};
	const char *name, *dot, *args;
	char coll[64], db[64] = "", view[512];
	const char *rest = sibling_db(text, db, sizeof(db));

	if (rest != text) {
		snprintf(view, sizeof(view), "db%s", rest);
		text = view;
	}
	if (strncmp(text, "db.", 3) != 0)
		return 0;
	if (strncmp(text, "db.dropDatabase(", 16) == 0) {
		buf_append_str(b, "deletes the whole database ");
		visible_append(b, db, strlen(db));
		buf_append_str(b, db[0] ? " with all its collections" : "with all its collections");
		return 1;
	}
	name = text + 3;
	dot = strchr(name, '.');
	if (dot == NULL || (size_t)(dot - name) >= sizeof(coll))
		return 0;
	memcpy(coll, name, (size_t)(dot - name));
	coll[dot - name] = '\0';
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		size_t n = strlen(calls[i].call);
		if (strncmp(dot + 1, calls[i].call, n) != 0)
			continue;
		buf_printf(b, calls[i].words, coll);
		args = dot + 1 + n;
		if (calls[i].words[strlen(calls[i].words) - 1] == ' ')
			quoted(b, args, args + strcspn(args, ")"));
		return 1;
	}
	return 0;
}

int describe_sql(struct buf *b, const char *sql)
{
	int shown = 0;

	while (isspace((unsigned char)*sql))
		sql++;
	if (describe_mongo(b, sql))
		return 1;

	for (const char *s = sql; *s && shown < 3;) {
		const char *semi = strchr(s, ';');
		struct stmt st = {s, semi ? semi : s + strlen(s)};
		while (st.s < st.end && isspace((unsigned char)*st.s))
			st.s++;
		if (st.s < st.end) {
			buf_append_str(b, shown ? "; then it " : "");
			one_statement(b, &st);
			shown++;
		}
		s = semi ? semi + 1 : s + strlen(s);
	}
	return shown;
}
