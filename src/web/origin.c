#include "origin.h"

#include <string.h>
#include <strings.h>

#define DNS_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-"
#define V6_CHARS "0123456789abcdefABCDEF:."

int origin_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= ORIGIN_MAX_NAME)
		return 0;
	if (name[0] == '[')
		return n > 2 && name[n - 1] == ']' && strspn(name + 1, V6_CHARS) == n - 2;
	return strspn(name, DNS_CHARS) == n && name[0] != '.' && name[0] != '-';
}

/* The length of the host part of hostport; 0 when it is not one. */
static size_t host_length(const char *s, size_t len)
{
	const char *end = s[0] == '[' ? memchr(s, ']', len) : memchr(s, ':', len);

	if (s[0] == '[')
		return end ? (size_t)(end - s) + 1 : 0;
	return end ? (size_t)(end - s) : len;
}

/* ":PORT" (1 to 5 digits) or nothing. */
static int port_ok(const char *s, size_t len)
{
	if (len == 0)
		return 1;
	if (s[0] != ':' || len < 2 || len > 6)
		return 0;
	for (size_t i = 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int span_allowed(const char *s, size_t len, const char *const *names, size_t n)
{
	size_t host = len ? host_length(s, len) : 0;
	char name[ORIGIN_MAX_NAME];

	if (host == 0 || host >= sizeof(name) || !port_ok(s + host, len - host))
		return 0;
	memcpy(name, s, host);
	name[host] = '\0';
	if (!origin_name_ok(name))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(name, names[i]) == 0)
			return 1;
	return 0;
}

int origin_host_allowed(const char *hostport, const char *const *names, size_t n)
{
	return hostport && span_allowed(hostport, strlen(hostport), names, n);
}

int origin_url_same(const char *url, const char *host)
{
	const char *authority;
	size_t len;

	if (url == NULL || host == NULL || host[0] == '\0' || strncmp(url, "https://", 8) != 0)
		return 0;
	authority = url + 8;
	len = strcspn(authority, "/?#");
	return len == strlen(host) && strncasecmp(authority, host, len) == 0;
}
