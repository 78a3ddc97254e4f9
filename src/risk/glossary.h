/* What a well-known program stands for, in plain words, for a reader who does
 * not know Linux: kubectl is "the Kubernetes cluster (the machines that run
 * the company's applications)", journalctl "the system's log". Text only. */
#ifndef ESCORT_GLOSSARY_H
#define ESCORT_GLOSSARY_H

#include "util/buf.h"

/* The plain role of the program name, or NULL when the glossary does not
 * know it. */
const char *glossary_role(const char *program);

/* {tool}: the role with the program's name in brackets ("the system's log
 * (journalctl)"), or "the program “name”". */
void glossary_append_tool(struct buf *b, const char *program);

/* {shows}: what an everyday looking program shows, with its name in brackets
 * ("how full the disks are (df)"), or "information (name)". */
void glossary_append_shows(struct buf *b, const char *program);

/* What a Kubernetes kind (the first len bytes of word: "pod", "svc",
 * "namespaces") is, or NULL. */
const char *glossary_kube_kind(const char *word, size_t len);

/* What a well-known service (sshd, nginx.service, postgresql@15-main) does,
 * or NULL. */
const char *glossary_service(const char *name);
/* What stops without a well-known service or package ("nobody can log in to
 * this machine from outside any more"), or NULL. */
const char *glossary_service_without(const char *name);

/* What the members of a powerful group (sudo, docker, disk) may do, or NULL. */
const char *glossary_group(const char *name);

/* What a well-known place holds ("/var/lib/mysql": "where the MySQL
 * database keeps its data"), or NULL (glossary-paths.c). */
const char *glossary_path(const char *path);

#endif
