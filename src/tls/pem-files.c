#include "pem-files.h"

#include "tls-error.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes what into a new file beside path, then renames it into place. */
static int write_atomic(const char *path, int mode, int (*put)(BIO *, void *), void *what,
			struct error *err)
{
	char tmp[4096];
	BIO *bio;
	int fd, ok;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return error_errno(err, "cannot create %s", tmp);
	bio = BIO_new_fd(fd, BIO_NOCLOSE);
	ok = bio != NULL && put(bio, what) == 1 && BIO_flush(bio) == 1 && fsync(fd) == 0;
	BIO_free(bio);
	close(fd);
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return tls_error(err, "cannot write %s", path);
	}
	return 0;
}

static int put_key(BIO *bio, void *key)
{
	return PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
}

static int put_cert(BIO *bio, void *cert)
{
	return PEM_write_bio_X509(bio, cert);
}

int pem_write_key(const char *path, EVP_PKEY *key, int mode, struct error *err)
{
	return write_atomic(path, mode, put_key, key, err);
}

struct cert_list {
	X509 *const *certs;
	size_t n;
};

static int put_certs(BIO *bio, void *what)
{
	const struct cert_list *l = what;

	for (size_t i = 0; i < l->n; i++)
		if (PEM_write_bio_X509(bio, l->certs[i]) != 1)
			return 0;
	return 1;
}

int pem_write_certs(const char *path, X509 *const *certs, size_t n, int mode, struct error *err)
{
	struct cert_list l = {certs, n};

	return write_atomic(path, mode, put_certs, &l, err);
}

int pem_write_cert(const char *path, X509 *cert, int mode, struct error *err)
{
	return write_atomic(path, mode, put_cert, cert, err);
}

static BIO *open_bounded(const char *path, struct error *err)
{
	struct stat st;
	BIO *bio;

	if (stat(path, &st) < 0) {
		error_errno(err, "cannot read %s", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > PEM_FILE_MAX) {
		error_set(err, "%s is not a file of at most %u bytes", path, PEM_FILE_MAX);
		return NULL;
	}
	if ((bio = BIO_new_file(path, "r")) == NULL)
		tls_error(err, "cannot read %s", path);
	return bio;
}

EVP_PKEY *pem_read_key(const char *path, struct error *err)
{
	BIO *bio = open_bounded(path, err);
	EVP_PKEY *key;

	if (bio == NULL)
		return NULL;
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (key == NULL)
		tls_error(err, "%s holds no private key", path);
	return key;
}

X509 *pem_read_cert(const char *path, struct error *err)
{
	BIO *bio = open_bounded(path, err);
	X509 *cert;

	if (bio == NULL)
		return NULL;
	cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (cert == NULL)
		tls_error(err, "%s holds no certificate", path);
	return cert;
}

int pem_exists(const char *path)
{
	return access(path, F_OK) == 0;
}
