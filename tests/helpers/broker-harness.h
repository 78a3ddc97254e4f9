/* A real broker (broker_open: configuration, SQLite state, signing key,
 * risk engine, worker thread) in a temporary state directory, and peers on
 * socketpairs whose uid the test chooses: for unit tests and the dispatch
 * fuzzer, no root and no listening socket needed. */
#ifndef ESCORT_BROKER_HARNESS_H
#define ESCORT_BROKER_HARNESS_H

#include "broker/broker.h"

struct peer {
	struct conn *c; /* NULL once escortd closed it */
	uint64_t serial;
	int fd; /* the peer's end */
	struct buf in;
};

/* config: a file, or NULL for the embedded defaults; rules: the rules directory. */
int harness_open(struct broker *b, const char *config, const char *rules);
void harness_close(struct broker *b);
/* Runs the loop until nothing is left to do now, including the worker's jobs. */
void harness_turn(struct broker *b);

void peer_connect(struct broker *b, struct peer *p, uid_t uid);
/* Sends f over the socket (the reader, the framing and dispatch all run). */
void peer_send(struct broker *b, struct peer *p, const Frame *f);
/* The next frame other than a heartbeat or a screen, or NULL. */
Frame *peer_read(struct broker *b, struct peer *p, Escort__Frame__BodyCase want);
/* 1 while escortd keeps the connection. */
int peer_open(struct broker *b, struct peer *p);
void peer_close(struct broker *b, struct peer *p);

#endif
