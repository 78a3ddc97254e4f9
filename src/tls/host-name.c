#include "host-name.h"

#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

int host_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > HOST_NAME_MAX_LEN || name[0] == '-' || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!name_char(name[i]))
			return 0;
	return 1;
}

static int san_is(X509 *cert, const char *name)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	int found = 0;

	for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		if (g->type != GEN_DNS)
			continue;
		const unsigned char *s = ASN1_STRING_get0_data(g->d.dNSName);
		int len = ASN1_STRING_length(g->d.dNSName);
		found |= (size_t)len == strlen(name) && memcmp(s, name, (size_t)len) == 0;
	}
	GENERAL_NAMES_free(names);
	return found;
}

int host_name_of(X509 *cert, char *out, size_t size, struct error *err)
{
	char cn[HOST_NAME_MAX_LEN + 2] = "";
	int len =
	    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));

	if (len <= 0 || (size_t)len != strlen(cn) || !host_name_valid(cn))
		return error_set(err, "the certificate names no valid host");
	if (!san_is(cert, cn))
		return error_set(err, "the certificate's CN %s is not its DNS name", cn);
	snprintf(out, size, "%s", cn);
	return 0;
}
