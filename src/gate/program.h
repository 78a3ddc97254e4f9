/* What an exec will really run, whatever it is called: a system program (by
 * its trusted path, or by content for a renamed copy), a busybox applet, a
 * script and its interpreter, a program given to the dynamic loader, or code
 * nobody can name (a memfd, a deleted file, a program that is not the
 * system's). The result carries the argv the risk engine rates. */
#ifndef ESCORT_PROGRAM_H
#define ESCORT_PROGRAM_H

#include "identity-cache.h"
#include "identity.h"
#include "request.h"

enum program_trust {
	TRUST_SYSTEM,  /* in the program index, or installed by the package manager */
	TRUST_COPY,    /* elsewhere, but the same content as a system program */
	TRUST_UNKNOWN, /* a file nobody vouches for */
	TRUST_MEMORY,  /* a memfd or a deleted file */
};

struct program {
	struct identity id;	  /* of the file the kernel opens */
	char real[PATH_MAX];	  /* that file, resolved (memfd: its link text) */
	enum program_trust trust; /* of what finally runs (a script's: its interpreter's) */
	char name[256];		  /* the name the rules see */
	char **argv;		  /* what is rated: name, then the arguments */
	char note[1024];	  /* one line for the escort */
	char preload[PATH_MAX];	  /* ld.so --preload or --audit, when given */
	dev_t exe_dev;		  /* what /proc/PID/exe must be once the exec is done */
	ino_t exe_ino;
	int script; /* a #! script */
	/* The text it runs besides the program (program-text.h): a script, the
	 * file an interpreter is given, make's Makefile. */
	char *script_text;	    /* its first SCRIPT_SHOWN bytes (up to a NUL byte), or NULL */
	char script_path[PATH_MAX]; /* that file, "" when none */
	uint64_t script_size;	    /* its whole length */
	uint8_t script_sha256[SHA256_LEN]; /* of all of it: what an approval binds */
	int script_cut;			   /* script_size is more than script_text shows */
	int script_rated;		   /* its text is rated (not a system script's name) */
	int script_unreadable;		   /* named, but the gate cannot read it */
};

#define SCRIPT_SHOWN (16 * 1024)

const char *program_trust_name(enum program_trust t);

/* Fails with err->errnum set to the errno the exec would fail with (ENOENT, EACCES, ...). */
int program_identify(struct identity_cache *ids, struct identity_index *idx,
		     const struct exec_request *req, struct program *out, struct error *err);
void program_free(struct program *p);

#endif
