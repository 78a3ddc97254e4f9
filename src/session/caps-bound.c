#include "caps-bound.h"

#include <linux/capability.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const int dropped[] = {CAP_SYS_MODULE, CAP_SYS_RAWIO};

int caps_bound_drop(struct error *err)
{
	/* One not in the set already (a container's root) needs no CAP_SETPCAP. */
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		if (prctl(PR_CAPBSET_READ, (unsigned long)dropped[i], 0, 0, 0) > 0 &&
		    prctl(PR_CAPBSET_DROP, (unsigned long)dropped[i], 0, 0, 0) < 0)
			return error_errno(err, "cannot take CAP_SYS_MODULE and CAP_SYS_RAWIO "
						"from the session");
	return 0;
}

void caps_bound_leave(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return;
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		d[dropped[i] / 32].effective &= ~(UINT32_C(1) << (dropped[i] % 32));
	(void)syscall(SYS_capset, &h, d);
}
