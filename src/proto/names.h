/* The names people read for the protocol's enums (escort.proto). */
#ifndef ESCORT_PROTO_NAMES_H
#define ESCORT_PROTO_NAMES_H

#include "proto/frame.h"

/* "sessions", "approve", ...; "unknown" for a value this build does not know. */
const char *verb_name(Escort__Verb v);
/* "console", "session host"; "unknown" otherwise. */
const char *peer_kind_name(Escort__PeerKind k);

/* The stricter of two actions: deny over ask over allow. */
Escort__Action action_strictest(Escort__Action a, Escort__Action b);

/* "hello", "exec_request", ...: the field's name in escort.proto's Frame. */
const char *frame_body_name(Escort__Frame__BodyCase body);

#endif
