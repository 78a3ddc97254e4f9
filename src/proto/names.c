#include "names.h"

const char *verb_name(Escort__Verb v)
{
	static const char *const names[] = {
	    [ESCORT__VERB__VERB_SESSIONS] = "sessions",
	    [ESCORT__VERB__VERB_PENDING] = "pending",
	    [ESCORT__VERB__VERB_APPROVE] = "approve",
	    [ESCORT__VERB__VERB_DENY] = "deny",
	    [ESCORT__VERB__VERB_TERMINATE] = "terminate",
	    [ESCORT__VERB__VERB_LOCK] = "lock",
	    [ESCORT__VERB__VERB_UNLOCK] = "unlock",
	    [ESCORT__VERB__VERB_FOLLOW] = "follow",
	    [ESCORT__VERB__VERB_REVOKE_HOST] = "revoke-host",
	    [ESCORT__VERB__VERB_LOGOUT] = "logout",
	};
	unsigned i = (unsigned)v;

	return i < sizeof(names) / sizeof(names[0]) && names[i] ? names[i] : "unknown";
}

static int strictness(Escort__Action a)
{
	if (a == ESCORT__ACTION__ACTION_ALLOW)
		return 0;
	return a == ESCORT__ACTION__ACTION_ASK ? 1 : 2; /* deny, or unknown: deny */
}

Escort__Action action_strictest(Escort__Action a, Escort__Action b)
{
	return strictness(a) >= strictness(b) ? a : b;
}

const char *frame_body_name(Escort__Frame__BodyCase body)
{
	const ProtobufCFieldDescriptor *f =
	    protobuf_c_message_descriptor_get_field(&escort__frame__descriptor, (unsigned)body);

	return f ? f->name : "unknown";
}

const char *peer_kind_name(Escort__PeerKind k)
{
	if (k == ESCORT__PEER_KIND__PEER_SESSION)
		return "session host";
	if (k == ESCORT__PEER_KIND__PEER_CONSOLE)
		return "console";
	return "unknown";
}
