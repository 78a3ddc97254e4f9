/* Which name a request says it was sent to (its Host header) and which page
 * sent it (Origin, Referer): against the console's own names, so that a
 * page on another name that resolves to the console's address (DNS
 * rebinding) is refused. Every byte is hostile; no escortd state here, so
 * the fuzzer (tests/fuzz/fuzz-web-origin.c) drives it alone. */
#ifndef ESCORT_WEB_ORIGIN_H
#define ESCORT_WEB_ORIGIN_H

#include <stddef.h>

#define ORIGIN_MAX_NAME 254

/* 1 when hostport ("name", "name:PORT", "[v6]" or "[v6]:PORT") names one of
 * names (compared without case; any port: a tunnel may change it), 0 else. */
int origin_host_allowed(const char *hostport, const char *const *names, size_t n);
/* 1 when url is "https://" and exactly host (the request's own Host header,
 * port included, without case), optionally followed by a path, query or
 * fragment (an Origin or a Referer): the page that sent it is the console's
 * own, as the browser reached it; 0 else ("null" included). */
int origin_url_same(const char *url, const char *host);
/* 1 when name may be configured as one of the console's names: a DNS
 * name, an IPv4 address or a bracketed IPv6 address, at most 253 bytes. */
int origin_name_ok(const char *name);

#endif
