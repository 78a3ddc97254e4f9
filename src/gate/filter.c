#include "filter.h"

#include <errno.h>
#include <seccomp.h>

int gate_filter_install(int keep_privileges, struct error *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc, fd;

	if (ctx == NULL)
		return error_set(err, "cannot create the seccomp filter");
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, keep_privileges ? 0 : 1);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execve), 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execveat), 0);
	if (rc < 0) {
		seccomp_release(ctx);
		errno = -rc;
		return error_errno(err, "cannot build the seccomp filter");
	}
	rc = seccomp_load(ctx);
	if (rc < 0) {
		seccomp_release(ctx);
		errno = -rc;
		return error_errno(err, "the kernel refused the exec gate's seccomp filter");
	}
	fd = seccomp_notify_fd(ctx);
	seccomp_release(ctx);
	if (fd < 0) {
		errno = -fd;
		return error_errno(err, "no seccomp listener descriptor");
	}
	return fd;
}
