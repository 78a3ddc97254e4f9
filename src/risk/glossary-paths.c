/* What well-known places on a server hold, for a reader who does not know
 * Linux: /var/lib/postgresql is where the database keeps its data,
 * /etc/ssl/private the server's private keys, ~/.ssh/id_rsa a private login
 * key. Text only: the rules match paths themselves. */
#include "glossary.h"

#include <fnmatch.h>
#include <string.h>

static const struct {
	const char *pattern; /* a folder (itself and below), or a glob when it holds '*' */
	const char *gloss;
	int exact; /* the folder itself only */
} places[] = {
    {"*/.env", "the application's settings, usually with its passwords", 0},
    {".env", "the application's settings, usually with its passwords", 0},
    {"/dev/tcp/*", "a network connection to another computer", 0},
    {"s3://*", "a storage bucket: files kept in the Amazon cloud", 0},
    {"gs://*", "a storage bucket: files kept in the Google cloud", 0},
    {"/dev/udp/*", "a network connection to another computer", 0},
    {"/var/lib/postgresql", "where the PostgreSQL database keeps its data", 0},
    {"/var/lib/pgsql", "where the PostgreSQL database keeps its data", 0},
    {"/var/lib/mysql", "where the MySQL database keeps its data", 0},
    {"/var/lib/mariadb", "where the MariaDB database keeps its data", 0},
    {"/var/lib/redis", "where the Redis database keeps its data", 0},
    {"/var/lib/mongodb", "where the MongoDB database keeps its data", 0},
    {"/var/lib/mongo", "where the MongoDB database keeps its data", 0},
    {"/var/lib/elasticsearch", "where the Elasticsearch search database keeps its data", 0},
    {"/var/lib/opensearch", "where the OpenSearch search database keeps its data", 0},
    {"/var/lib/cassandra", "where the Cassandra database keeps its data", 0},
    {"/var/lib/clickhouse", "where the ClickHouse database keeps its data", 0},
    {"/var/lib/influxdb", "where the InfluxDB database keeps its data", 0},
    {"/var/lib/rabbitmq", "where the RabbitMQ message queue keeps its messages", 0},
    {"/var/lib/kafka", "where the Kafka message queue keeps its messages", 0},
    {"/var/lib/etcd", "the Kubernetes cluster's own database", 0},
    {"/var/lib/docker/volumes", "the containers' stored data", 0},
    {"/var/lib/docker", "the containers, their images and their stored data", 0},
    {"/var/lib/containerd", "the containers and their images", 0},
    {"/var/www", "the website's files", 0},
    {"/srv/www", "the website's files", 0},
    {"/etc/ssl/private", "the server's private encryption keys", 0},
    {"/etc/pki/tls/private", "the server's private encryption keys", 0},
    {"/etc/letsencrypt/live", "the website's certificates and private keys", 0},
    {"/etc/letsencrypt/archive", "the website's certificates and private keys", 0},
    {"/etc/ssh/ssh_host_*_key", "this machine's own private login key", 0},
    {"/etc/ssh", "the remote-login settings and this machine's own keys", 0},
    {"/root/.ssh", "the administrator's login keys", 1},
    {"*/.ssh/id_*.pub", "a public key, not a secret", 0},
    {"*/.ssh/id_*", "a private login key: whoever has it can log in as its owner", 0},
    {"*/.ssh/authorized_keys*", "the keys allowed to log in to this account", 0},
    {"*/.ssh", "login keys", 1},
    {"*/.aws/credentials", "the keys to the Amazon cloud account", 0},
    {"*/.kube/config", "the keys to the Kubernetes cluster", 0},
    {"/var/run/secrets/kubernetes.io/serviceaccount/token",
     "the application's access key to the Kubernetes cluster", 0},
    {"/run/secrets/kubernetes.io/serviceaccount/token",
     "the application's access key to the Kubernetes cluster", 0},
    {"/etc/shadow", "the accounts' password hashes", 0},
    {"/etc/passwd", "the list of accounts", 0},
    {"/etc", "the system's settings", 1},
    {"/home", "every user's personal folders", 1},
    {"/root", "the administrator's home folder", 1},
    {"/var/log", "the machine's records of what happened", 0},
    {"/boot", "what the machine needs to start", 0},
};

static int is_place(const char *pattern, int exact, const char *path)
{
	size_t n = strlen(pattern);

	if (strchr(pattern, '*')) {
		char bare[512];
		size_t len = strlen(path);
		if (len == 0 || len >= sizeof(bare))
			return 0;
		memcpy(bare, path, len + 1);
		if (len > 1 && bare[len - 1] == '/')
			bare[len - 1] = '\0'; /* "~/.ssh/" is "~/.ssh" */
		return fnmatch(pattern, bare, 0) == 0;
	}
	if (strncmp(path, pattern, n) != 0)
		return 0;
	if (path[n] == '/' && path[n + 1] == '\0')
		return 1; /* the folder, written with its slash */
	return path[n] == '\0' || (!exact && path[n] == '/');
}

const char *glossary_path(const char *path)
{
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		if (is_place(places[i].pattern, places[i].exact, path))
			return places[i].gloss;
	return NULL;
}
