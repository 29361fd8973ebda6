/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Process events through the netlink connector.
 *
 * Any local process can send a datagram to a netlink socket's port, so a
 * message counts only when its sender is the kernel (port 0); and what an
 * event says is only a hint: the daemon reads the truth from /proc.
 */
#include "config.h"

#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ctk/proc.h"
#include "ctk/procev.h"
#include "internal.h"

#define RCVBUF	(4 << 20)

int ctk_procev_open(struct ctk_err *e)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = CN_IDX_PROC };
	char buf[NLMSG_SPACE(sizeof(struct cn_msg) +
			     sizeof(enum proc_cn_mcast_op))];
	struct nlmsghdr *nl = (struct nlmsghdr *)buf;
	struct cn_msg *cn = NLMSG_DATA(nl);
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	int fd, size = RCVBUF;

	fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_CONNECTOR);
	if (fd < 0)
		return ctk_err_set(e, errno, "cannot open the process events "
				   "connector");
	/* a burst of forks must not overflow it (root may force the size) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(fd);
		return ctk_err_set(e, err, "cannot join the process events "
				   "group%s", err == EPERM ?
				   " (needs CAP_NET_ADMIN)" : "");
	}
	memset(buf, 0, sizeof(buf));
	nl->nlmsg_len = NLMSG_LENGTH(sizeof(*cn) + sizeof(op));
	nl->nlmsg_type = NLMSG_DONE;
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	if (send(fd, nl, nl->nlmsg_len, 0) < 0) {
		int err = errno;

		close(fd);
		return ctk_err_set(e, err, "cannot subscribe to process "
				   "events");
	}
	return fd;
}

/* One proc_event into @out; false for the kinds not followed. */
static bool take(const struct proc_event *pe, struct ctk_procev *out)
{
	switch (pe->what) {
	case PROC_EVENT_FORK:
		if (pe->event_data.fork.child_pid !=
		    pe->event_data.fork.child_tgid)
			return false;	/* a new thread */
		out->kind = CTK_PROCEV_FORK;
		out->pid = pe->event_data.fork.child_tgid;
		out->parent = pe->event_data.fork.parent_tgid;
		return true;
	case PROC_EVENT_EXEC:
		out->kind = CTK_PROCEV_EXEC;
		out->pid = pe->event_data.exec.process_tgid;
		return true;
	case PROC_EVENT_UID:
	case PROC_EVENT_GID:
		out->kind = pe->what == PROC_EVENT_UID ? CTK_PROCEV_UID :
			    CTK_PROCEV_GID;
		out->pid = pe->event_data.id.process_tgid;
		return true;
	case PROC_EVENT_EXIT:
		if (pe->event_data.exit.process_pid !=
		    pe->event_data.exit.process_tgid)
			return false;
		out->kind = CTK_PROCEV_EXIT;
		out->pid = pe->event_data.exit.process_tgid;
		return true;
	default:
		return false;
	}
}

int ctk_procev_read(int fd, struct ctk_procev *ev, size_t max, size_t *n)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct sockaddr_nl from;
	socklen_t fl = sizeof(from);
	struct nlmsghdr *nl;
	ssize_t len;

	*n = 0;
	len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	if (len < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (fl != sizeof(from) || from.nl_pid != 0)
		return 0;	/* not the kernel's */
	for (nl = (struct nlmsghdr *)buf; NLMSG_OK(nl, (size_t)len) && *n < max;
	     nl = NLMSG_NEXT(nl, len)) {
		struct cn_msg *cn = NLMSG_DATA(nl);

		if (nl->nlmsg_type == NLMSG_ERROR || nl->nlmsg_type ==
		    NLMSG_NOOP)
			continue;
		if (nl->nlmsg_len < NLMSG_LENGTH(sizeof(*cn)) ||
		    cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC ||
		    cn->len < sizeof(struct proc_event) ||
		    NLMSG_LENGTH(sizeof(*cn) + cn->len) > nl->nlmsg_len)
			continue;
		{
			/* cn->data is only 4-byte aligned: copy it out */
			struct proc_event pe;

			memcpy(&pe, cn->data, sizeof(pe));
			if (take(&pe, &ev[*n]))
				(*n)++;
		}
	}
	return 0;
}
