/* One JSON object per line for every record. */
#include "export.h"

#include "fields.h"
#include "util/json.h"

#include <string.h>

/* Numbers stay numbers in the output; everything else is a string. */
static int is_number_field(const char *key)
{
	static const char *numeric[] = {"uid",		"cols",		"rows",
					"exit_status",	"signal",	"epoch",
					"records_kept", "signed_up_to", "mac_only_from",
					"mac_only_to",	"lost_bytes",	"previous_epoch",
					"id",		"pid"};

	for (size_t i = 0; i < sizeof(numeric) / sizeof(numeric[0]); i++)
		if (strcmp(key, numeric[i]) == 0)
			return 1;
	return 0;
}

static int is_plain_integer(const char *s)
{
	size_t i = s[0] == '-' ? 1 : 0;

	if (s[i] == '\0' || strlen(s) > 20)
		return 0;
	for (; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Keys that repeat in a record (an exec's argv, environment, rated argv and
 * rules) become lists. */
static int is_list_field(const char *key)
{
	return strcmp(key, "argv") == 0 || strcmp(key, "env") == 0 || strcmp(key, "rated") == 0 ||
	       strcmp(key, "rule") == 0;
}

static void append_fields(struct buf *b, const struct record *rec)
{
	const char *open_list = NULL;
	struct field f;
	size_t pos = 0;
	int rc;

	while ((rc = fields_next(rec->payload, rec->payload_len, &pos, &f)) == 1) {
		if (strcmp(f.key, "epoch") == 0)
			continue; /* the record's own epoch, already written (verify checks) */
		if (open_list && strcmp(open_list, f.key) == 0) {
			buf_putc(b, ',');
			json_append_cstr(b, f.value);
			continue;
		}
		if (open_list)
			buf_putc(b, ']');
		open_list = NULL;
		buf_putc(b, ',');
		json_append_cstr(b, f.key);
		buf_putc(b, ':');
		if (is_list_field(f.key)) {
			buf_putc(b, '[');
			json_append_cstr(b, f.value);
			open_list = f.key;
		} else if (is_number_field(f.key) && is_plain_integer(f.value)) {
			buf_append_str(b, f.value);
		} else {
			json_append_cstr(b, f.value);
		}
	}
	if (open_list)
		buf_putc(b, ']');
	if (rc < 0)
		buf_append_str(b, ",\"malformed\":true");
}

static void json_record(struct export_state *st, const struct record *rec)
{
	struct buf b = {0};

	buf_printf(&b, "{\"seq\":%llu,\"time\":%.6f,\"wall_ns\":%llu,\"epoch\":%u,\"type\":\"%s\"",
		   (unsigned long long)rec->seq, export_time(st, rec),
		   (unsigned long long)rec->wall_ns, rec->epoch, record_type_name(rec->type));
	switch (rec->type) {
	case REC_INPUT:
	case REC_OUTPUT:
	case REC_ERROR_OUTPUT:
		buf_append_str(&b, ",\"data\":\"");
		export_escaped_stream(st,
				      rec->type == REC_INPUT	? 0
				      : rec->type == REC_OUTPUT ? 1
								: 2,
				      rec, &b);
		buf_putc(&b, '"');
		break;
	case REC_WINDOW:
		if (rec->payload_len == 4)
			buf_printf(&b, ",\"cols\":%u,\"rows\":%u",
				   rec->payload[0] | rec->payload[1] << 8,
				   rec->payload[2] | rec->payload[3] << 8);
		break;
	case REC_CHECKPOINT:
		buf_append_str(&b, ",\"note\":");
		json_append_string(&b, rec->payload, rec->payload_len);
		if (rec->flags & RECORD_SEAL)
			buf_append_str(&b, ",\"seal\":true");
		break;
	default:
		append_fields(&b, rec);
	}
	buf_append_str(&b, "}\n");
	fwrite(b.data, 1, b.len, st->out);
	buf_free(&b);
}

static void json_finish(struct export_state *st)
{
	(void)st;
}

const struct exporter export_json = {json_record, json_finish};
