/* Judging a trapped connect, bind, sendto, sendmsg, sendmmsg or raw socket
 * (held-calls.c): the address is read from the caller's memory (sockaddr.c),
 * rated (net-rate.c) and put into the effect with its level and plain words.
 * The caller re-validates the notification after these reads (effect.c). */
#ifndef ESCORT_NET_EFFECT_H
#define ESCORT_NET_EFFECT_H

#include "effect.h"

enum effect_outcome net_effect_judge(const struct seccomp_notif *n, struct effect *e);

#endif
