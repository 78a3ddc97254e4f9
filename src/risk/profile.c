#include "profile.h"

#include <stdlib.h>
#include <string.h>

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Sorted by name (bsearch). Options that take an optional value (mysql -p,
 * journalctl -b, iptables -L) are left out: a value there is an operand. */
static const struct profile profiles[] = {
    {"adduser", "",
     L("uid", "gid", "home", "shell", "gecos", "ingroup", "firstuid", "lastuid", "conf", "comment"),
     0},
    {"apachectl", "kfdC", L("k"), 0},
    {"apt-key", "", L("keyserver", "recv-keys", "recv-key", "keyring"), 0},
    {"awk", "Ffv", L("field-separator", "file", "assign"), 0},
    {"az", "gno", L("resource-group", "name", "output", "query", "subscription"), 0},
    {"curl", "XdHouAeEmrTwxybcFKQ",
     L("request", "data", "data-binary", "data-raw", "data-urlencode", "header", "output", "user",
       "upload-file", "form", "proxy", "cookie", "max-time", "connect-timeout", "config",
       "user-agent", "write-out", "resolve", "cacert", "cert", "key"),
     0},
    {"dig", "pfxtcqyb", L("x"), 0},
    {"docker", "Hc", L("host", "context", "config", "log-level"), 0},
    {"find", "",
     L("name", "iname", "path", "ipath", "type", "xtype", "mtime", "mmin", "atime", "amin", "ctime",
       "cmin", "size", "user", "group", "uid", "gid", "perm", "newer", "maxdepth", "mindepth",
       "regex", "iregex", "wholename", "printf", "fprint", "fprintf", "links", "inum", "samefile",
       "fstype", "used"),
     1},
    {"gawk", "Ffv", L("field-separator", "file", "assign"), 0},
    {"gcloud", "",
     L("project", "zone", "region", "format", "filter", "limit", "account", "configuration",
       "sort-by"),
     0},
    {"git", "Cc", L("git-dir", "work-tree", "namespace"), 0},
    {"grep", "efmABCD",
     L("regexp", "file", "max-count", "include", "exclude", "exclude-dir", "context",
       "after-context", "before-context", "label"),
     0},
    {"groupadd", "gKp", L("gid", "key", "password"), 0},
    {"groupmod", "gnp", L("gid", "new-name", "password"), 0},
    {"helm", "nf",
     L("namespace", "values", "set", "set-string", "set-file", "kube-context", "version", "repo",
       "output", "kubeconfig", "revision", "timeout"),
     0},
    {"journalctl", "upntSUDMoFcT",
     L("unit", "user-unit", "priority", "lines", "since", "until", "identifier", "output",
       "directory", "file", "grep", "field", "machine", "facility", "cursor", "root"),
     0},
    {"kubectl", "nlocfsLp",
     L("namespace", "selector", "output", "container", "filename", "context", "kubeconfig",
       "cluster", "user", "field-selector", "sort-by", "template", "server", "token", "as",
       "as-group", "since", "tail", "timeout", "type", "image", "replicas", "pod"),
     0},
    {"mariadb", "euhPDSB", L("execute", "user", "host", "port", "database", "socket"), 0},
    {"mawk", "Ffv", L("field-separator", "file", "assign"), 0},
    {"mongo", "uph", L("eval", "host", "port", "username", "password", "authenticationDatabase"),
     0},
    {"mongosh", "uph",
     L("eval", "host", "port", "username", "password", "authenticationDatabase", "file"), 0},
    {"mysql", "euhPDSB", L("execute", "user", "host", "port", "database", "socket"), 0},
    {"nc", "epswqiXxc", L("exec", "sh-exec"), 0},
    {"ncat", "epswicx", L("exec", "sh-exec", "lua-exec", "source", "wait", "proxy"), 0},
    {"netcat", "epswqiXxc", L("exec", "sh-exec"), 0},
    {"nginx", "cgpes", L("c"), 0},
    {"npm", "", L("registry", "prefix", "userconfig", "cache", "otp"), 0},
    {"openssl", "",
     L("in", "out", "inform", "outform", "key", "keyout", "keyform", "cert", "CAfile", "CApath",
       "connect", "servername", "k", "kfile", "pass", "passin", "passout", "newkey", "subj", "days",
       "name", "engine", "config", "md", "iter", "certfile", "inkey", "signkey", "CAkey", "CA",
       "set_serial", "extfile", "extensions", "pkeyopt", "sigopt", "cipher", "ciphersuites",
       "proxy", "host", "port", "checkend", "nameopt", "verify_hostname"),
     1},
    {"pip", "irct",
     L("index-url", "extra-index-url", "trusted-host", "requirement", "constraint", "target",
       "find-links", "proxy", "cert", "client-cert", "prefix", "root", "src", "cache-dir"),
     0},
    {"pip3", "irct",
     L("index-url", "extra-index-url", "trusted-host", "requirement", "constraint", "target",
       "find-links", "proxy", "cert", "client-cert", "prefix", "root", "src", "cache-dir"),
     0},
    {"pnpm", "", L("registry"), 0},
    {"podman", "c", L("connection", "url", "log-level", "root", "runroot"), 0},
    {"psql", "cdhUpfoPvFRTL",
     L("command", "dbname", "host", "username", "port", "file", "output", "set", "variable", "pset",
       "field-separator", "record-separator", "log-file"),
     0},
    {"redis-cli", "hpanusri", L("pass", "user", "pattern", "uri", "tls", "cacert"), 0},
    {"rsync", "eTfB",
     L("rsh", "rsync-path", "exclude", "include", "exclude-from", "include-from", "files-from",
       "temp-dir", "password-file", "filter", "chmod", "chown", "bwlimit", "backup-dir", "suffix",
       "log-file", "port"),
     0},
    {"scp", "cFiJloPS", L("c"), 0},
    {"sed", "ef", L("expression", "file"), 0},
    {"ssh", "bcDEeFIiJLlmOopQRSWw", L("c"), 0},
    {"ssh-keygen", "fCNtbEIOnVzZDrYL", L("f"), 0},
    {"systemctl", "tpHMnso",
     L("type", "property", "host", "machine", "lines", "state", "signal", "root", "output",
       "kill-whom", "job-mode"),
     0},
    {"tar", "CfTXbgKNVFIH",
     L("directory", "file", "files-from", "exclude-from", "checkpoint-action", "to-command",
       "use-compress-program", "exclude", "transform", "owner", "group", "mode", "info-script",
       "new-volume-script", "rsh-command", "format", "newer", "label"),
     0},
    {"terraform", "",
     L("var", "var-file", "target", "out", "chdir", "state", "state-out", "backup", "lock-timeout",
       "parallelism", "replace"),
     1},
    {"useradd", "cdefgGkKpsu",
     L("comment", "home-dir", "expiredate", "inactive", "gid", "groups", "skel", "key", "password",
       "shell", "uid"),
     0},
    {"usermod", "cdefgGlpsu",
     L("comment", "home", "expiredate", "inactive", "gid", "groups", "login", "password", "shell",
       "uid"),
     0},
    {"vi", "cSuTiwWs", L("cmd"), 0},
    {"vim", "cSuTiwWs", L("cmd"), 0},
    {"wget", "OoaPUtTeiQ",
     L("output-document", "output-file", "directory-prefix", "user-agent", "post-data", "post-file",
       "header", "execute", "input-file", "method", "body-data", "body-file"),
     0},
    {"yarn", "", L("registry", "cwd"), 0},
};

static int by_name(const void *key, const void *item)
{
	return strcmp(key, ((const struct profile *)item)->name);
}

const struct profile *profile_find(const char *name)
{
	return bsearch(name, profiles, sizeof(profiles) / sizeof(profiles[0]), sizeof(profiles[0]),
		       by_name);
}

int profile_long_takes_value(const struct profile *p, const char *name)
{
	for (const char *const *o = p->long_values; *o; o++)
		if (strcmp(*o, name) == 0)
			return 1;
	return 0;
}

int profile_short_takes_value(const struct profile *p, char letter)
{
	return letter != '\0' && strchr(p->short_values, letter) != NULL;
}
