/* `escort enroll --renew`: an enrolled host gets a new certificate (and a
 * new key, made here) from escortd before its certificate expires,
 * authenticated by the certificate it has. Meant for a daily timer. */
#include "enroll-renew.h"

#include "ca.h"
#include "contexts.h"
#include "enroll-internal.h"
#include "pem-files.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The first line of dir/name, without its line end. */
static int read_line(const char *dir, const char *name, char *out, size_t size, struct error *err)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "re")) == NULL)
		return error_errno(err, "cannot read %s", path);
	if (fgets(out, (int)size, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	return out[0] ? 0 : error_set(err, "%s is empty", path);
}

/* Seconds until dir/host.crt expires (negative: expired) in *left. */
static int seconds_left(const char *dir, long *left, struct error *err)
{
	char path[4096];
	int days = 0, secs = 0;
	X509 *cert;

	snprintf(path, sizeof(path), "%s/host.crt", dir);
	if ((cert = pem_read_cert(path, err)) == NULL)
		return -1;
	ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert));
	X509_free(cert);
	*left = (long)days * 86400 + secs;
	return 0;
}

/* The new key and certificate, with the owner, group and mode of the old
 * key (the administrator may have let the operators' group read it). */
static int keep(const char *dir, EVP_PKEY *key, X509 *cert, struct error *err)
{
	char key_path[4096], cert_path[4096];
	struct stat old;
	int have = 0;

	snprintf(key_path, sizeof(key_path), "%s/host.key", dir);
	snprintf(cert_path, sizeof(cert_path), "%s/host.crt", dir);
	have = stat(key_path, &old) == 0;
	if (pem_write_key(key_path, key, 0600, err) < 0)
		return -1;
	if (have && (chown(key_path, old.st_uid, old.st_gid) < 0 ||
		     chmod(key_path, old.st_mode & 0640) < 0))
		return error_errno(err, "cannot give %s its owner and mode back", key_path);
	return pem_write_cert(cert_path, cert, 0644, err);
}

static int renew_now(const char *dir, int timeout_s, char host[HOST_NAME_MAX_LEN + 1],
		     struct error *err)
{
	char broker[300], pin[PIN_LEN];
	struct tls_link link = {.fd = -1};
	struct enrolled e = {0};
	SSL_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	int rc = -1;

	if (read_line(dir, "broker", broker, sizeof(broker), err) == 0 &&
	    read_line(dir, "broker.pin", pin, sizeof(pin), err) == 0 &&
	    (ctx = tls_host_ctx(dir, err)) != NULL && (key = key_new_ed25519(err)) != NULL &&
	    tls_dial(ctx, broker, pin, timeout_s, &link, err) == 0 &&
	    enroll_exchange(&link, "", key, &e, err) == 0 && keep(dir, key, e.cert, err) == 0 &&
	    enroll_write_ca(dir, &e, err) == 0) {
		snprintf(host, HOST_NAME_MAX_LEN + 1, "%s", e.host);
		rc = 0;
	}
	tls_link_close(&link);
	enrolled_free(&e);
	EVP_PKEY_free(key);
	SSL_CTX_free(ctx);
	return rc;
}

int enroll_renew(const char *dir, long within_s, int timeout_s, char host[HOST_NAME_MAX_LEN + 1],
		 struct error *err)
{
	long left;

	if (seconds_left(dir, &left, err) < 0)
		return -1;
	if (left > within_s) {
		host[0] = '\0';
		return 0;
	}
	return renew_now(dir, timeout_s, host, err) < 0 ? -1 : 1;
}
