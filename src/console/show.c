#include "show.h"

#include "proto/host-log.h"
#include "risk/rules.h"
#include "util/json.h"
#include "util/visible.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void show_visible(struct buf *out, const char *s)
{
	size_t hidden = visible_append(out, s, strlen(s));

	if (hidden)
		buf_printf(out, "  [!! %zu hidden or control character%s shown as codes]", hidden,
			   hidden == 1 ? "" : "s");
}

static void upper(char *dst, const char *s, size_t size)
{
	size_t i = 0;

	for (; s[i] && i + 1 < size; i++)
		dst[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	dst[i] = '\0';
}

/* Under a session whose host has no signing key or does not seal. */
static void show_host_log_text(struct buf *out, const Escort__HostLog *h)
{
	char text[800];
	const char *warning = host_log_warning_text(h, text, sizeof(text));

	if (warning == NULL)
		return;
	buf_append_str(out, "    WARNING: ");
	show_visible(out, warning);
	buf_putc(out, '\n');
}

void show_sessions_text(struct buf *out, Escort__SessionInfo **s, size_t n)
{
	time_t now = time(NULL);

	if (n == 0) {
		buf_append_str(out, "no sessions\n");
		return;
	}
	buf_printf(out, "%-17s %-12s %-16s %-8s %7s %7s  %s\n", "SESSION", "OPERATOR", "HOST",
		   "STATE", "MINUTES", "PENDING", "COMMAND");
	for (size_t i = 0; i < n; i++) {
		buf_printf(out, "%-17s %-12s %-16s %-8s %7lld %7llu  ", s[i]->id, s[i]->operator_,
			   s[i]->host, s[i]->live ? "live" : "away",
			   (long long)(now - (time_t)s[i]->started) / 60,
			   (unsigned long long)s[i]->pending);
		for (size_t k = 0; k < s[i]->n_argv; k++) {
			if (k)
				buf_putc(out, ' ');
			show_visible(out, s[i]->argv[k]);
		}
		buf_putc(out, '\n');
		show_host_log_text(out, s[i]->host_log);
	}
}

static void json_strings(struct buf *out, const char *key, char **v, size_t n)
{
	buf_printf(out, "\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		json_append_cstr(out, v[i]);
	}
	buf_putc(out, ']');
}

static void json_field(struct buf *out, const char *key, const char *value)
{
	buf_printf(out, "\"%s\":", key);
	json_append_cstr(out, value);
	buf_putc(out, ',');
}

/* "host_log":{"signing":"key"|"ephemeral","why":...,"sealed":...,"warning":...|null} */
static void show_host_log_json(struct buf *out, const Escort__HostLog *h)
{
	char text[800];
	const char *warning = host_log_warning_text(h, text, sizeof(text));

	buf_printf(out, ",\"host_log\":{\"signing\":\"%s\",", host_log_signing_name(h));
	json_field(out, "why", h && h->why ? h->why : "");
	json_field(out, "signer", h && h->signer ? h->signer : "");
	buf_printf(out, "\"sealed\":%s,\"unknown_signer\":%s,\"bad_signature\":%s,\"warning\":",
		   h && h->sealed ? "true" : "false", h && h->unknown_signer ? "true" : "false",
		   h && h->bad_signature ? "true" : "false");
	if (warning)
		json_append_cstr(out, warning);
	else
		buf_append_str(out, "null");
	buf_putc(out, '}');
}

void show_sessions_json(struct buf *out, Escort__SessionInfo **s, size_t n)
{
	buf_putc(out, '[');
	for (size_t i = 0; i < n; i++) {
		buf_append_str(out, i ? ",{" : "{");
		json_field(out, "id", s[i]->id);
		json_field(out, "operator", s[i]->operator_);
		json_field(out, "host", s[i]->host);
		json_field(out, "log", s[i]->log);
		buf_printf(out, "\"started\":%llu,\"live\":%s,\"pending\":%llu,",
			   (unsigned long long)s[i]->started, s[i]->live ? "true" : "false",
			   (unsigned long long)s[i]->pending);
		json_strings(out, "argv", s[i]->argv, s[i]->n_argv);
		show_host_log_json(out, s[i]->host_log);
		buf_putc(out, '}');
	}
	buf_append_str(out, "]\n");
}

static void note(struct buf *out, const char *label, const char *text, const char *nl)
{
	if (text == NULL || text[0] == '\0')
		return;
	buf_printf(out, "        %s ", label);
	show_visible(out, text);
	buf_append_str(out, nl);
}

/* Why a finding matters, what to ask the operator, whether it can be undone. */
static void show_finding_notes(struct buf *out, const Escort__Finding *f, const char *nl)
{
	note(out, "why it matters:", f->why, nl);
	note(out, "ask the operator:", f->ask, nl);
	note(out, "can it be undone:", f->undo, nl);
}

void show_pending_text(struct buf *out, const Escort__PendingInfo *p, const char *nl)
{
	char level[16];
	time_t now = time(NULL);

	upper(level, level_name((int)p->level), sizeof(level));
	buf_printf(out, "approval %llu: %s RISK, session %s, operator %s on %s (%llds left)%s",
		   (unsigned long long)p->id, level, p->session, p->operator_, p->host,
		   (long long)((time_t)p->expires - now), nl);
	if (p->change) {
		buf_append_str(out, "  CHANGE:    ");
		show_visible(out, p->change->text);
		buf_printf(out, "%s  kind:      %s", nl, p->change->kind);
		if (p->change->path[0]) {
			buf_append_str(out, ", file ");
			show_visible(out, p->change->path);
		}
		if (p->change->path2[0]) {
			buf_append_str(out, ", new name ");
			show_visible(out, p->change->path2);
		}
		buf_printf(out,
			   "%s  (approve with --scope path [--path DIR] to allow this "
			   "program's changes under a folder)%s  made by:   ",
			   nl, nl);
	} else {
		buf_append_str(out, "  program:   ");
	}
	show_visible(out, p->program);
	buf_printf(out, "%s  identity:  ", nl);
	show_visible(out, p->identity);
	buf_printf(out, "%s  arguments:%s", nl, nl);
	for (size_t i = 0; i < p->n_argv; i++) {
		buf_printf(out, "    [%zu] ", i);
		show_visible(out, p->argv[i]);
		buf_append_str(out, nl);
	}
	buf_append_str(out, "  directory: ");
	show_visible(out, p->cwd);
	buf_append_str(out, nl);
	if (p->typed_line[0]) {
		buf_append_str(out, "  last line typed: ");
		show_visible(out, p->typed_line);
		buf_append_str(out, nl);
	}
	buf_append_str(out, "  runs as:   ");
	show_visible(out, p->account);
	buf_append_str(out, nl);
	if (p->n_ancestry) {
		buf_append_str(out, "  started by: ");
		for (size_t i = 0; i < p->n_ancestry; i++) {
			buf_append_str(out, i ? " <- " : "");
			show_visible(out, p->ancestry[i]);
		}
		buf_append_str(out, nl);
	}
	for (size_t i = 0; i < p->n_env; i++) {
		buf_append_str(out, "  environment: ");
		show_visible(out, p->env[i]);
		buf_append_str(out, nl);
	}
	buf_append_str(out, "  what it does: ");
	show_visible(out, p->summary);
	buf_append_str(out, nl);
	for (size_t i = 0; i < p->n_findings; i++) {
		buf_printf(out, "    - %s (%s): ", p->findings[i]->rule,
			   level_name((int)p->findings[i]->level));
		show_visible(out, p->findings[i]->text);
		buf_append_str(out, nl);
		show_finding_notes(out, p->findings[i], nl);
	}
	if (p->script_path[0]) {
		buf_append_str(out, "  file it runs: ");
		show_visible(out, p->script_path);
		buf_printf(out, " (%llu bytes, SHA-256 %.64s)%s",
			   (unsigned long long)p->script_size,
			   p->script_sha256[0] ? p->script_sha256 : "unreadable", nl);
	}
	if (p->script_cut)
		buf_printf(out, "  CUT: first %u KiB of %llu bytes shown; the rest is not shown%s",
			   16u, (unsigned long long)p->script_size, nl);
	if (p->script[0]) {
		buf_printf(out, "  script it runs:%s", nl);
		struct buf s = {0};
		show_visible(&s, p->script);
		/* visible_append wrote line breaks as \n: split them back for reading */
		const char *t = buf_cstr(&s);
		buf_append_str(out, "    | ");
		for (; *t; t++) {
			if (t[0] == '\\' && t[1] == 'n') {
				buf_append_str(out, nl);
				buf_append_str(out, "    | ");
				t++;
			} else {
				buf_putc(out, (uint8_t)*t);
			}
		}
		buf_append_str(out, nl);
		buf_free(&s);
	}
	if (p->level >= ESCORT__LEVEL__LEVEL_CRITICAL)
		buf_printf(out, "  CRITICAL: approving needs the program's name typed: %s%s",
			   p->program, nl);
}

void show_pending_json(struct buf *out, Escort__PendingInfo **p, size_t n)
{
	buf_putc(out, '[');
	for (size_t i = 0; i < n; i++) {
		buf_append_str(out, i ? ",{" : "{");
		buf_printf(out, "\"id\":%llu,", (unsigned long long)p[i]->id);
		json_field(out, "session", p[i]->session);
		json_field(out, "operator", p[i]->operator_);
		json_field(out, "host", p[i]->host);
		json_field(out, "cwd", p[i]->cwd);
		json_field(out, "account", p[i]->account);
		json_field(out, "typed_line", p[i]->typed_line);
		json_field(out, "program", p[i]->program);
		json_field(out, "identity", p[i]->identity);
		json_field(out, "level", level_name((int)p[i]->level));
		json_field(out, "summary", p[i]->summary);
		json_field(out, "script", p[i]->script);
		json_field(out, "script_path", p[i]->script_path);
		json_field(out, "script_sha256", p[i]->script_sha256);
		buf_printf(out, "\"script_size\":%llu,\"script_cut\":%s,",
			   (unsigned long long)p[i]->script_size,
			   p[i]->script_cut ? "true" : "false");
		buf_printf(out, "\"created\":%llu,\"expires\":%llu,",
			   (unsigned long long)p[i]->created, (unsigned long long)p[i]->expires);
		if (p[i]->change) {
			buf_append_str(out, "\"change\":{");
			json_field(out, "kind", p[i]->change->kind);
			json_field(out, "path", p[i]->change->path);
			json_field(out, "path2", p[i]->change->path2);
			json_field(out, "target", p[i]->change->target);
			json_field(out, "syscall", p[i]->change->syscall);
			buf_printf(out, "\"mode\":%u,\"text\":", (unsigned)p[i]->change->mode);
			json_append_cstr(out, p[i]->change->text);
			buf_append_str(out, "},");
		}
		json_strings(out, "argv", p[i]->argv, p[i]->n_argv);
		buf_putc(out, ',');
		json_strings(out, "env", p[i]->env, p[i]->n_env);
		buf_putc(out, ',');
		json_strings(out, "ancestry", p[i]->ancestry, p[i]->n_ancestry);
		buf_append_str(out, ",\"findings\":[");
		for (size_t k = 0; k < p[i]->n_findings; k++) {
			buf_append_str(out, k ? ",{" : "{");
			json_field(out, "rule", p[i]->findings[k]->rule);
			json_field(out, "level", level_name((int)p[i]->findings[k]->level));
			json_field(out, "why", p[i]->findings[k]->why);
			json_field(out, "ask", p[i]->findings[k]->ask);
			json_field(out, "undo", p[i]->findings[k]->undo);
			buf_append_str(out, "\"text\":");
			json_append_cstr(out, p[i]->findings[k]->text);
			buf_putc(out, '}');
		}
		buf_append_str(out, "]}");
	}
	buf_append_str(out, "]\n");
}
