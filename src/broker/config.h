/* escortd's configuration (docs/CONFIG.md): who is who, and the policy. A
 * configuration with anything wrong in it is refused as a whole, with the
 * file, the line and the reason. */
#ifndef ESCORT_BROKER_CONFIG_H
#define ESCORT_BROKER_CONFIG_H

#include "proto/frame.h"
#include "risk/risk.h"
#include "util/error.h"

#include <limits.h>
#include <stddef.h>

#define LEVEL_COUNT (LEVEL_CRITICAL + 1)
#define LOGIN_TTL_DEFAULT_S (8 * 3600)
#define LOGIN_TTL_MAX_S (7 * 86400)

/* The protocol's meanings (escort.proto), plus "not set here". */
enum policy_action {
	ACTION_ALLOW = ESCORT__ACTION__ACTION_ALLOW,
	ACTION_DENY = ESCORT__ACTION__ACTION_DENY,
	ACTION_ASK = ESCORT__ACTION__ACTION_ASK,
	ACTION_INHERIT = -1,
};

enum role {
	ROLE_OPERATOR = ESCORT__ROLE__ROLE_OPERATOR,
	ROLE_ESCORT = ESCORT__ROLE__ROLE_ESCORT,
	ROLE_OWNER = ESCORT__ROLE__ROLE_OWNER,
	ROLE_AUDITOR = ESCORT__ROLE__ROLE_AUDITOR,
};

struct person {
	char name[64];
	unsigned roles;
	int clearance;	/* escorts: the highest level they may approve; others -1 */
	int some_hosts; /* owners: of the hosts listed in owner_hosts only; 0: of every host */
	int line;	/* where the configuration first names them */
};

/* Actions per level for one operator or host; ACTION_INHERIT where unset. */
struct level_override {
	char name[64];
	int actions[LEVEL_COUNT];
	int line;
};

struct rule_override {
	char rule[128];
	int action;
	int line;
};

/* The web console (docs/CONFIG.md, src/web/): off unless listen is set. */
#define WEB_MAX_NAMES 8
struct web_config {
	char listen[128];    /* "ADDRESS:PORT", or "" : no web console */
	char cert[PATH_MAX]; /* PEM certificate chain, or "": self-signed in the state directory */
	char key[PATH_MAX];  /* its private key */
	unsigned idle_s;     /* signed out after this long without a request */
	char names[WEB_MAX_NAMES][254]; /* what browsers may call it (Host, Origin) */
	size_t n_names;
	int line;
};

/* One host an owner with a list of hosts owns. */
struct owner_host {
	char owner[64], host[64];
};

struct broker_config {
	char source[PATH_MAX]; /* the file, or "embedded defaults" */
	char socket[PATH_MAX];
	char listen[300];	    /* "ADDR:PORT" of the TLS listener for enrolled hosts, or "" */
	char auditor_key[PATH_MAX]; /* "" : MAC keys are not sealed */
	int auditor_key_line;
	unsigned approval_timeout_s;
	unsigned login_ttl_s;	    /* how long a credential of `escort login` lasts */
	char login_pam_service[64]; /* its PAM service (/etc/pam.d/NAME), "escort" by default */
	int host_signing_required;  /* refuse sessions whose host has no signing key */
	char host_keys[PATH_MAX];   /* a directory of the hosts' signing.pub files, or "" */
	int host_keys_line;
	char **host_vkeys; /* loaded from host_keys (host-keys.c) */
	size_t n_host_vkeys;
	struct person *people;
	size_t n_people;
	int actions[LEVEL_COUNT];
	struct level_override *operators, *hosts;
	size_t n_operators, n_hosts;
	struct rule_override *rules;
	size_t n_rules;
	struct web_config web;
	struct owner_host *owner_hosts; /* owners: {NAME: [HOST, ...]} */
	size_t n_owner_hosts;
};

/* Loads path; NULL loads the embedded defaults (everyone on the machine
 * an operator, root an escort cleared for everything). */
int config_load(const char *path, struct broker_config *out, struct error *err);
int config_parse(const char *text, size_t len, const char *name, struct broker_config *out,
		 struct error *err);
void config_free(struct broker_config *c);
/* What config_parse cannot see in the text alone: every rule id is known to
 * the risk engine, every named account exists on this system, the auditor
 * key can be read. Refuses with the file, the line and the reason. */
int config_check(const struct broker_config *c, const struct risk_engine *risk, struct error *err);

const struct person *config_person(const struct broker_config *c, const char *name);
/* 1 when p is an owner of host: of every host, or of this one by name. */
int config_owns_host(const struct broker_config *c, const struct person *p, const char *host);
/* The action for this operator, host, level and set of matched rules. */
int config_action(const struct broker_config *c, const char *op, const char *host, int level,
		  const char *const *rules, size_t n_rules);
/* What a session host may apply alone while the broker is away: the same,
 * without rules, and never "allow" what the broker would ask about. */
void config_offline_table(const struct broker_config *c, const char *op, const char *host,
			  int out[LEVEL_COUNT]);
const char *policy_action_name(int a);

/* host-keys.c: the verifier keys in host_keys (every regular file named
 * *.pub), refused with the file and line when the directory cannot be read,
 * holds none, or holds a secret key. Nothing when host_keys is not set. */
int host_keys_load(struct broker_config *c, struct error *err);
void host_keys_free(struct broker_config *c);
/* 1 when host_keys is not set or vkey is one of its keys. */
int host_keys_known(const struct broker_config *c, const char *vkey);

extern const char config_embedded_defaults[];

#endif
