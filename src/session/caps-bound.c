#include "caps-bound.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>

static const int dropped[] = {CAP_SYS_MODULE, CAP_SYS_RAWIO};

int caps_bound_drop(struct error *err)
{
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		if (prctl(PR_CAPBSET_DROP, (unsigned long)dropped[i], 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return error_errno(err, "cannot take CAP_SYS_MODULE and CAP_SYS_RAWIO "
						"from the session");
	return 0;
}
