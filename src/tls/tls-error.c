#include "tls-error.h"

#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>

int tls_error(struct error *err, const char *fmt, ...)
{
	char what[300], why[200] = "no reason given";
	unsigned long e = ERR_get_error();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (e != 0)
		ERR_error_string_n(e, why, sizeof(why));
	ERR_clear_error();
	return error_set(err, "%s: %s", what, why);
}
