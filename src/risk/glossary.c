#include "glossary.h"

#include "util/visible.h"

#include <stdio.h>
#include <string.h>

/* Each role: what the reader should picture, then why it matters. */
static const struct {
	const char *names; /* " a b c " */
	const char *role, *gloss;
} roles[] = {
    {" aws ", "the Amazon cloud account", "where the company rents servers, storage and networks"},
    {" gcloud gsutil ", "the Google cloud account",
     "where the company rents servers, storage and networks"},
    {" az ", "the Microsoft Azure cloud account",
     "where the company rents servers, storage and networks"},
    {" kubectl oc ", "the Kubernetes cluster", "the machines that run the company's applications"},
    {" helm ", "the Kubernetes cluster's applications",
     "what is installed on the machines that run the company's applications"},
    {" terraform tofu pulumi ", "the cloud infrastructure this folder describes",
     "servers, databases, networks"},
    {" docker podman nerdctl crictl ctr ", "the containers of this machine",
     "applications packed with everything they need"},
    {" journalctl ", "the system's log", "the record of what the machine and its services did"},
    {" systemctl service rc-service ", "the services", "programs that run in the background"},
    {" apt apt-get apt-cache apt-mark dnf yum zypper rpm dpkg snap flatpak apk pacman ",
     "the software installed on this machine", NULL},
    {" pip pip3 npm yarn pnpm gem cargo composer ", "add-on code libraries",
     "pieces of software that programs are built from"},
    {" psql mysql mariadb sqlite3 sqlcmd clickhouse-client cqlsh ", "the database", NULL},
    {" redis-cli keydb-cli ", "the Redis database", "fast storage the applications use"},
    {" mongosh mongo ", "the MongoDB database", NULL},
    {" mysqladmin ", "the MySQL database server", NULL},
    {" iptables ip6tables nft ufw firewall-cmd ", "the firewall",
     "which network connections the machine accepts"},
    {" git ", "the code repository", "files and their history"},
    {" vault ", "the secrets store", "passwords and keys"},
    {" openssl ", "certificates and encryption keys", NULL},
    {" virsh ", "the virtual machines of this host", NULL},
    {" zfs zpool ", "the disks' storage pools", NULL},
};

/* What an everyday looking program shows. */
static const struct {
	const char *names, *what;
} shows[] = {
    {" ls ll dir tree ", "the names of files and folders"},
    {" stat file namei ", "facts about files: size, owner, dates, kind"},
    {" du ", "how much disk space files and folders take"},
    {" df ", "how full the disks are"},
    {" lsblk blkid findmnt mount ", "the disks and where they are attached"},
    {" free vmstat ", "how much memory is in use"},
    {" uptime ", "how long the machine has been running and how busy it is"},
    {" ps pgrep pidof pstree top htop ", "the programs running on this machine"},
    {" iostat mpstat sar nproc lscpu ", "how busy the processors and disks are"},
    {" whoami id groups ", "the account in use and its groups"},
    {" w who last lastb lastlog faillog lslogins ", "who is or was logged in"},
    {" hostname hostnamectl uname arch ", "the machine's name and system version"},
    {" date timedatectl cal chronyc ntpq ", "the date, time or clock settings"},
    {" dmesg ", "the system's own messages about hardware and drivers"},
    {" lsof fuser lslocks ", "which programs have which files or connections open"},
    {" lsusb lspci lsmod ", "the hardware and drivers of this machine"},
    {" crontab atq ", "the scheduled jobs"},
    {" getent ", "the accounts, groups or names the system knows"},
    {" iptables-save ip6tables-save ", "the firewall's rules"},
    {" env printenv locale ", "the settings of this shell"},
    {" history ", "the commands typed before"},
    {" which whereis type ", "where a program is installed"},
    {" echo printf ", "the text it is given"},
    {" pwd ", "the folder in use"},
    {" man help info apropos whatis ", "the manual of a program"},
    {" sleep wait ", "nothing: it waits"},
    {" true false test [ [[ : ", "nothing: it tests a condition"},
    {" cd ", "nothing: it moves this shell to another folder"},
    {" clear ", "a clean screen"},
    {" basename dirname realpath readlink ", "a file's name or full path"},
};

static int in_names(const char *names, const char *program)
{
	size_t n = strlen(program);
	const char *at;

	for (at = strstr(names, program); at; at = strstr(at + 1, program))
		if (at[-1] == ' ' && at[n] == ' ')
			return 1;
	return 0;
}

void glossary_append_shows(struct buf *b, const char *program)
{
	const char *what = "information";

	for (size_t i = 0; i < sizeof(shows) / sizeof(shows[0]); i++)
		if (program[0] && in_names(shows[i].names, program))
			what = shows[i].what;
	buf_append_str(b, what);
	buf_append_str(b, " (");
	visible_append(b, program, strlen(program));
	buf_putc(b, ')');
}

static int find_role(const char *program)
{
	char key[80];
	size_t n = strlen(program);

	if (n + 3 > sizeof(key))
		return -1;
	key[0] = ' ';
	memcpy(key + 1, program, n);
	key[n + 1] = ' ';
	key[n + 2] = '\0';
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strstr(roles[i].names, key))
			return (int)i;
	return -1;
}

const char *glossary_role(const char *program)
{
	int i = find_role(program);

	return i < 0 ? NULL : roles[i].role;
}

void glossary_append_tool(struct buf *b, const char *program)
{
	int i = find_role(program);

	if (i < 0) {
		buf_append_str(b, "the program \u201c");
		visible_append(b, program, strlen(program));
		buf_append_str(b, "\u201d");
		return;
	}
	buf_append_str(b, roles[i].role);
	buf_append_str(b, " (");
	visible_append(b, program, strlen(program));
	if (roles[i].gloss) {
		buf_append_str(b, ": ");
		buf_append_str(b, roles[i].gloss);
	}
	buf_putc(b, ')');
}

/* Kubernetes kinds: what each is, for the reader. */
static const struct {
	const char *names, *what;
} kube_kinds[] = {
    {" pod pods po ", "a running copy of an application"},
    {" deployment deployments deploy ", "an application and how many copies of it run"},
    {" statefulset statefulsets sts ", "an application that keeps its own data"},
    {" daemonset daemonsets ds ", "a program that runs on every machine of the cluster"},
    {" service services svc ", "the network address of an application"},
    {" namespace namespaces ns ", "a section of the cluster with its applications"},
    {" node nodes no ", "one of the cluster's machines"},
    {" pvc pvcs pv pvs persistentvolumeclaim persistentvolumeclaims persistentvolume "
     "persistentvolumes ",
     "stored data"},
    {" secret secrets ", "passwords, keys or tokens"},
    {" configmap configmaps cm ", "settings of an application"},
    {" ingress ingresses ing ", "the entry point from outside to an application"},
    {" job jobs ", "a task run once"},
    {" cronjob cronjobs cj ", "a task run on a schedule"},
    {" role roles clusterrole clusterroles ", "a set of rights"},
    {" rolebinding rolebindings clusterrolebinding clusterrolebindings ", "who holds which rights"},
    {" serviceaccount serviceaccounts sa ", "an account that programs use"},
    {" events ev ", "what happened in the cluster lately"},
    {" all ", "every application and its parts"},
};

const char *glossary_kube_kind(const char *word, size_t len)
{
	char key[48];

	if (len == 0 || len + 3 > sizeof(key))
		return NULL;
	key[0] = ' ';
	memcpy(key + 1, word, len);
	key[len + 1] = ' ';
	key[len + 2] = '\0';
	for (size_t i = 0; i < sizeof(kube_kinds) / sizeof(kube_kinds[0]); i++)
		if (strstr(kube_kinds[i].names, key))
			return kube_kinds[i].what;
	return NULL;
}

/* What a well-known service or package does, for "systemctl stop NAME", and
 * what stops without it, for "apt-get purge NAME" and "helm uninstall NAME". */
static const struct {
	const char *names, *what, *without;
} services[] = {
    {" sshd ssh openssh-server ", "remote logins to this machine",
     "nobody can log in to this machine from outside any more"},
    {" sudo ", "the administrator rights given through sudo",
     "nobody can act as the administrator through sudo any more"},
    {" ingress-nginx nginx-ingress ingress-controller ",
     "the entrance for web traffic into the cluster",
     "web traffic no longer reaches the applications behind it, so their sites go offline"},
    {" nginx apache2 httpd caddy lighttpd haproxy traefik envoy ", "the web server",
     "the websites and applications it serves go offline"},
    {" postgresql postgres mysql mysqld mariadb mongod mongodb redis redis-server "
     "memcached elasticsearch cassandra mysql-server mariadb-server postgresql-server "
     "mongodb-org ",
     "a database", "the applications that keep their data there stop working"},
    {" cron crond anacron atd cronie ", "scheduled jobs",
     "scheduled jobs (backups, clean-ups) stop running"},
    {" docker containerd podman docker-ce docker.io ", "the containers of this machine",
     "every container on this machine stops"},
    {" kubelet k3s ", "this machine's part of the Kubernetes cluster",
     "this machine drops out of the Kubernetes cluster"},
    {" auditd audit ", "the security audit log", "security events are no longer recorded"},
    {" rsyslog syslog syslog-ng systemd-journald ", "the system's logging",
     "what happens on the machine is no longer written to its log"},
    {" firewalld ufw nftables iptables ", "the firewall",
     "the machine no longer filters which connections it accepts"},
    {" chronyd chrony ntpd systemd-timesyncd ", "the clock's synchronisation", NULL},
    {" systemd-resolved named bind9 unbound dnsmasq ", "name lookups (DNS)", NULL},
    {" networkmanager NetworkManager systemd-networkd networking ", "the network connection", NULL},
    {" postfix exim4 sendmail dovecot ", "e-mail", NULL},
    {" rabbitmq-server kafka ", "the message queue between applications", NULL},
};

static int service_index(const char *name)
{
	char key[72];
	size_t n = strcspn(name, ".@");

	if (n == 0 || n + 3 > sizeof(key))
		return -1;
	key[0] = ' ';
	memcpy(key + 1, name, n);
	key[n + 1] = ' ';
	key[n + 2] = '\0';
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (strstr(services[i].names, key))
			return (int)i;
	return -1;
}

const char *glossary_service(const char *name)
{
	int i = service_index(name);

	return i < 0 ? NULL : services[i].what;
}

const char *glossary_service_without(const char *name)
{
	int i = service_index(name);

	return i < 0 ? NULL : services[i].without;
}

/* Groups that carry power, and what their members may do. */
static const struct {
	const char *names, *what;
} groups[] = {
    {" sudo wheel admin ", "its members may act as the administrator (root) with sudo"},
    {" root ", "the administrators' own group"},
    {" docker ", "its members control the containers and, through them, the whole machine"},
    {" lxd libvirt ", "its members start virtual machines with full access to this one"},
    {" disk ", "its members read and write the disks directly, around every permission"},
    {" shadow ", "its members read the accounts' password hashes"},
    {" adm systemd-journal ", "its members read the system's logs"},
};

const char *glossary_group(const char *name)
{
	char key[72];

	if (strlen(name) > 64)
		return NULL;
	snprintf(key, sizeof(key), " %s ", name);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (strstr(groups[i].names, key))
			return groups[i].what;
	return NULL;
}
