// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsm_layer.c: the BPF LSM layer (src/lsm, bpf/lsm/) enforcing a real
 * rulebook inside the guest kernel (TAP).
 *
 * Part 1 loads the layer on its own -- no cgroup programs, no Landlock, no
 * seccomp, not even the network layer's maps -- aims it at a fresh cgroup
 * and checks, from a child in that cgroup, what an agent would see: the
 * errno of connect/sendmsg/TCP Fast Open/UNIX connect to denied
 * destinations, of opening a denied file (also one created after the
 * rulebook loaded, under a denied directory inside an allowed one), of
 * exec and PROT_EXEC mappings of a denied binary and its hard link, and
 * under W^X of a program copied during the run (mapped by hand), of
 * bpf(), mount, a new user namespace, unlisted socket families, and of
 * kill/ptrace aimed outside the cgroup; of the escapes that go around a
 * path check: a hard link or rename of the secret (also of one created
 * after the rules loaded, also through an O_PATH descriptor), a rename of
 * a directory with rules below it, exec of a memfd copy (execveat and
 * /proc/self/fd), io_uring openat and connect (inline and in an io-wq
 * worker); that the open cache forgets a name that a process outside
 * the run moved or unlinked; that allowed calls succeed; that
 * the same calls from outside the cgroup succeed; and that each denial
 * left an event of layer bpf-lsm. Part 2 loads it as `sevorix run` does,
 * sharing the network layer's and exec tracker's maps and pinning its
 * links, and repeats the core checks.
 *
 * The child runs as root: the layer does not rely on the agent lacking
 * privileges. Refuses to run outside the guest (SEVORIX_VM=1).
 */
#include <liburing.h>

#include "lsm_test.h"

#define SSH "/tmp/home/.ssh"
#define DENIED_BIN "/tmp/bin/denied"
#define DENIED_LINK "/tmp/bin/denied-link"

static const char policy_fmt[] =
	"version: 1\n"
	"mode: enforce\n"
	"network:\n"
	"  default: deny\n"
	"  rules:\n"
	"    - {action: allow, cidr: 127.0.0.0/8, ports: [%u]}\n"
	"    - {action: allow, cidr: \"::1/128\", ports: [%u]}\n"
	"    - {action: allow, unix: /tmp/ok.sock}\n"
	"    - {action: allow, unix: /tmp/ws/}\n"
	"files:\n"
	"  default: deny\n"
	"  rules:\n"
	"    - {action: allow, path: /, access: [read, exec]}\n"
	"    - {action: allow, path: /tmp/ws, access: [read, write, exec]}\n"
	"    - {action: allow, path: /tmp/home, access: [read, write]}\n"
	"    - {action: deny, path: " SSH "}\n"
	"    - {action: allow, path: /dev, access: [read, write]}\n"
	"exec:\n"
	"  default: allow\n"
	"  written: deny\n"
	"  rules:\n"
	"    - {action: deny, path: " DENIED_BIN "}\n";

/* What the agent in the cgroup saw: errno per check (0 = success). */
enum check {
	C_OPEN_SECRET, C_OPEN_LATER, C_OPEN_LATER_DIR, C_OPEN_SIBLING, C_OPEN_SSHX, C_WRITE_WS,
	C_WRITE_OUTSIDE, C_CONNECT_OK, C_CONNECT_DENIED, C_CONNECT6_DENIED, C_CONNECT_MAPPED,
	C_UDP_DENIED, C_TFO_DENIED, C_UNIX_OK, C_UNIX_DENIED, C_UNIX_RESOLVED, C_EXEC_OK,
	C_EXEC_DENIED, C_EXEC_LINK, C_MMAP_EXEC, C_MPROTECT_EXEC, C_BPF, C_KILL_OUTSIDE,
	C_KILL_INSIDE, C_PTRACE_OUTSIDE, C_MOUNT, C_USERNS, C_SOCK_PACKET, C_SOCK_RAW,
	C_SOCK_MPTCP, C_SOCK_VSOCK, C_SOCK_TCP, C_CGROUP_PROCS, C_CLONE_INTO, C_OPENAT2,
	C_OPATH_REOPEN, C_SYMLINK, C_PROC_ROOT, C_LINK_SECRET, C_LINK_TMP, C_LINK_LATER,
	C_LINK_OPATH, C_LINK_RO, C_LINK_WS, C_RENAME_SECRET, C_RENAME_SSH, C_RENAME_HOME,
	C_RENAME_WS, C_MEMFD_EXECVEAT, C_MEMFD_PROC, C_URING_OPEN_OK, C_URING_OPEN,
	C_URING_OPEN_ASYNC, C_URING_CONNECT, C_URING_CONNECT_OK, C_MMAP_WRITTEN, C_MMAP_OLD,
	C_NCHECKS
};

struct env {
	struct lsm_env base;
	__u16 port_ok, port_denied;	/* host order */
	pid_t outsider;			/* a process outside the cgroup */
};

static const struct expect {
	enum check c;
	int err;
	const char *what;
} expects[] = {
	{ C_OPEN_SECRET, EACCES, "open(" SSH "/id_rsa) is denied" },
	{ C_OPEN_LATER, EACCES, "open() of a file created under " SSH " after the rules loaded is denied" },
	{ C_OPEN_LATER_DIR, EACCES, "open() of a file in a directory created under " SSH " later is denied" },
	{ C_OPEN_SIBLING, 0, "open(/tmp/home/notes) next to the denied directory works" },
	{ C_OPEN_SSHX, 0, "open(/tmp/home/.sshx/f) works (whole components: .ssh is not .sshx)" },
	{ C_WRITE_WS, 0, "open(/tmp/ws/new, O_CREAT|O_RDWR) in the workspace works" },
	{ C_WRITE_OUTSIDE, EACCES, "open(/tmp/other/f, O_CREAT|O_WRONLY) outside the workspace is denied" },
	{ C_CONNECT_OK, 0, "connect(127.0.0.1:allowed port) works" },
	{ C_CONNECT_DENIED, EPERM, "connect(127.0.0.1:denied port) is denied" },
	{ C_CONNECT6_DENIED, EPERM, "connect([::1]:denied port) is denied" },
	{ C_CONNECT_MAPPED, EPERM, "connect([::ffff:127.0.0.1]:denied port) is denied" },
	{ C_UDP_DENIED, EPERM, "UDP sendto(127.0.0.1:denied port) is denied" },
	{ C_TFO_DENIED, EPERM, "sendto(MSG_FASTOPEN, 127.0.0.1:denied port) is denied" },
	{ C_UNIX_OK, 0, "connect(/tmp/ok.sock) works" },
	{ C_UNIX_DENIED, EPERM, "connect(/tmp/denied.sock) is denied" },
	{ C_UNIX_RESOLVED, EPERM, "connect(/tmp/ws/alias.sock -> /tmp/denied.sock) is denied on the resolved socket" },
	{ C_EXEC_OK, 0, "exec of an allowed binary works" },
	{ C_EXEC_DENIED, EPERM, "execve(" DENIED_BIN ") is denied" },
	{ C_EXEC_LINK, EPERM, "execve() of a hard link of the denied binary is denied" },
	{ C_MMAP_EXEC, EPERM, "mmap(PROT_EXEC) of the denied binary is denied" },
	{ C_MPROTECT_EXEC, EPERM, "mprotect(PROT_EXEC) of a mapping of the denied binary is denied" },
	{ C_BPF, EPERM, "bpf(BPF_MAP_CREATE) is denied" },
	{ C_KILL_OUTSIDE, EPERM, "kill() of a process outside the cgroup is denied" },
	{ C_KILL_INSIDE, 0, "kill() of a process inside the cgroup works" },
	{ C_PTRACE_OUTSIDE, EPERM, "ptrace(PTRACE_ATTACH) of a process outside the cgroup is denied" },
	{ C_MOUNT, EPERM, "mount(tmpfs) is denied" },
	{ C_USERNS, EPERM, "unshare(CLONE_NEWUSER) is denied" },
	{ C_SOCK_PACKET, EPERM, "socket(AF_PACKET) is denied" },
	{ C_SOCK_RAW, EPERM, "socket(AF_INET, SOCK_RAW) is denied" },
	{ C_SOCK_MPTCP, EPERM, "socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) is denied" },
	{ C_SOCK_VSOCK, EPERM, "socket(AF_VSOCK) is denied" },
	{ C_SOCK_TCP, 0, "socket(AF_INET, SOCK_STREAM, 0) works" },
	{ C_CGROUP_PROCS, EPERM, "open(/sys/fs/cgroup/cgroup.procs, O_WRONLY) to leave the cgroup is denied" },
	{ C_CLONE_INTO, EPERM, "clone3(CLONE_INTO_CGROUP) into the root cgroup is denied" },
	{ C_OPENAT2, EACCES, "openat2(" SSH "/id_rsa) is denied (the same hook as open)" },
	{ C_OPATH_REOPEN, EACCES, "O_PATH open + /proc/self/fd/N reopen of the secret is denied" },
	{ C_SYMLINK, EACCES, "a symlink in the workspace to the secret is denied (the file reached is judged)" },
	{ C_PROC_ROOT, EACCES, "/proc/self/root" SSH "/id_rsa is denied" },
	{ C_LINK_SECRET, EPERM, "link(" SSH "/id_rsa, /tmp/ws/k): a hard link in the workspace to the secret is refused" },
	{ C_LINK_TMP, EPERM, "link(" SSH "/id_rsa, /tmp/x) is refused" },
	{ C_LINK_LATER, EPERM, "link() of a file created under " SSH " after the rules loaded is refused" },
	{ C_LINK_OPATH, EPERM, "linkat(AT_EMPTY_PATH) of an O_PATH descriptor of the secret is refused" },
	{ C_LINK_RO, EPERM, "link() of a read-only file into the workspace (gaining write) is refused" },
	{ C_LINK_WS, 0, "link() inside the workspace works" },
	{ C_RENAME_SECRET, EPERM, "rename(" SSH "/id_rsa, /tmp/ws/moved) is refused" },
	{ C_RENAME_SSH, EPERM, "rename(" SSH ", /tmp/home/ssh2) is refused" },
	{ C_RENAME_HOME, EPERM, "rename(/tmp/home, /tmp/ws/home) (a rule below it) is refused" },
	{ C_RENAME_WS, 0, "rename() inside the workspace works" },
	{ C_MEMFD_EXECVEAT, EACCES, "memfd_create + execveat(AT_EMPTY_PATH) of a copy is denied" },
	{ C_MEMFD_PROC, EACCES, "memfd_create + execve(/proc/self/fd/N) (fexecve) is denied" },
	{ C_URING_OPEN_OK, 0, "io_uring IORING_OP_OPENAT of an allowed file works" },
	{ C_URING_OPEN, EACCES, "io_uring IORING_OP_OPENAT of " SSH "/id_rsa is denied" },
	{ C_URING_OPEN_ASYNC, EACCES, "io_uring IORING_OP_OPENAT with IOSQE_ASYNC (an io-wq worker) is denied" },
	{ C_URING_CONNECT, EPERM, "io_uring IORING_OP_CONNECT to the denied port is denied" },
	{ C_URING_CONNECT_OK, 0, "io_uring IORING_OP_CONNECT to the allowed port works" },
	{ C_MMAP_WRITTEN, EPERM, "W^X: mmap(PROT_EXEC) of a program copied during the run (mapped "
				 "by hand, never exec'd) is denied" },
	{ C_MMAP_OLD, 0, "W^X: mmap(PROT_EXEC) of a program from before the run works" },
};

static int open_err(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int exec_err(const char *path)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char *argv[] = { "busybox", "true", NULL }; /* busybox runs argv[1] */

		execv(path, argv);
		_exit(100 + errno);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return errno;
	if (WIFEXITED(st) && WEXITSTATUS(st) >= 100)
		return WEXITSTATUS(st) - 100;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : EIO;
}

static int mmap_err(const char *path, bool mprot)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	void *m;

	if (fd < 0)
		return errno;
	m = mmap(NULL, 4096, mprot ? PROT_READ : PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		err = errno;
	else if (mprot && mprotect(m, 4096, PROT_READ | PROT_EXEC))
		err = errno;
	if (m != MAP_FAILED)
		munmap(m, 4096);
	close(fd);
	return err;
}

static int bpf_err(void)
{
	union bpf_attr a = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4,
			     .max_entries = 1 };
	int fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int sock_err(int family, int type, int proto)
{
	int fd = socket(family, type | SOCK_CLOEXEC, proto);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* clone3 with CLONE_INTO_CGROUP into the root cgroup; 0 when a child was made there. */
static int clone_into_err(void)
{
	int cg = open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct {
		__u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
			set_tid, set_tid_size, cgroup;
	} args = { .flags = 0x200000000ULL, .exit_signal = SIGCHLD, .cgroup = (__u64)cg };
	long pid;

	if (cg < 0)
		return errno;
	pid = syscall(435 /* clone3 */, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	close(cg);
	if (pid < 0)
		return errno;
	waitpid(pid, NULL, 0);
	return 0;
}

static int openat2_err(const char *path)
{
	struct {
		__u64 flags, mode, resolve;
	} how = { .flags = O_RDONLY | O_CLOEXEC };
	long fd = syscall(437 /* openat2 */, AT_FDCWD, path, &how, sizeof(how));

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* The escape through a descriptor that grants nothing: O_PATH, then reopen. */
static int opath_reopen_err(const char *path)
{
	char proc[64];
	int fd = open(path, O_PATH | O_CLOEXEC), r;

	if (fd < 0)
		return errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	r = open_err(proc, O_RDONLY);
	close(fd);
	return r;
}

static int symlink_err(const char *target, const char *link)
{
	unlink(link);
	if (symlink(target, link))
		return errno;
	return open_err(link, O_RDONLY);
}

static int link_err(const char *from, const char *to)
{
	int r = link(from, to) ? errno : 0;

	if (!r)
		unlink(to);
	return r;
}

/* The secret through a descriptor that grants nothing, linked by the descriptor. */
static int link_opath_err(const char *from, const char *to)
{
	int fd = open(from, O_PATH | O_CLOEXEC), r;

	if (fd < 0)
		return errno;
	r = linkat(fd, "", AT_FDCWD, to, AT_EMPTY_PATH) ? errno : 0;
	close(fd);
	if (!r)
		unlink(to);
	return r;
}

/* Renames from to to and, when that worked, back. */
static int rename_err(const char *from, const char *to)
{
	int r = rename(from, to) ? errno : 0;

	if (!r)
		rename(to, from);
	return r;
}

/* A copy of busybox in a memfd, run by descriptor or by /proc/self/fd/N. */
static int memfd_exec_err(bool by_proc)
{
	int in = open("/bin/busybox", O_RDONLY | O_CLOEXEC), fd, st;
	char buf[65536], proc[64];
	ssize_t n;
	pid_t pid;

	fd = memfd_create("copy", 0); /* no MFD_CLOEXEC: /proc/self/fd/N must survive exec */
	if (in < 0 || fd < 0)
		return errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			return EIO;
	close(in);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "busybox", "true", NULL }, *envp[] = { NULL };

		if (by_proc)
			execve(proc, argv, envp);
		else
			syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(100 + errno);
	}
	close(fd);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return errno;
	if (WIFEXITED(st) && WEXITSTATUS(st) >= 100)
		return WEXITSTATUS(st) - 100;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : EIO;
}

/* The request prepared in ring, submitted and completed: its errno (0 = success). */
static int uring_err(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	int res;

	if (io_uring_submit(ring) != 1 || io_uring_wait_cqe(ring, &cqe))
		return EIO;
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (res >= 0)
		return 0;
	return -res;
}

static int uring_open_err(const char *path, bool async)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int r;

	if (io_uring_queue_init(4, &ring, 0))
		return EIO;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_openat(sqe, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (async)
		sqe->flags |= IOSQE_ASYNC;
	r = uring_err(&ring);
	io_uring_queue_exit(&ring); /* closes nothing it opened: the child exits soon */
	return r;
}

static int uring_connect_err(__u16 port)
{
	struct sockaddr_storage ss;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	socklen_t len;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0 || io_uring_queue_init(4, &ring, 0))
		return EIO;
	sa_fill(&ss, &len, AF_INET, "127.0.0.1", port);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_connect(sqe, fd, (struct sockaddr *)&ss, len);
	r = uring_err(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
	return r;
}

static int userns_err(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) ? errno : 0);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EIO;
}

static int kill_inside_err(void)
{
	pid_t pid = fork();
	int err = 0;

	if (pid == 0) {
		pause();
		_exit(0);
	}
	if (pid < 0)
		return errno;
	if (kill(pid, SIGKILL))
		err = errno;
	waitpid(pid, NULL, 0);
	return err;
}

/* In the agent's cgroup: opens, connects and sends (the rules' own subjects). */
static void agent_checks_rules(const struct env *env, int *res)
{
	res[C_OPEN_SECRET] = open_err(SSH "/id_rsa", O_RDONLY);
	res[C_OPEN_LATER] = open_err(SSH "/later_key", O_RDONLY);
	res[C_OPEN_LATER_DIR] = open_err(SSH "/later/key", O_RDONLY);
	res[C_OPEN_SIBLING] = open_err("/tmp/home/notes", O_RDONLY);
	res[C_OPEN_SSHX] = open_err("/tmp/home/.sshx/f", O_RDONLY);
	res[C_WRITE_WS] = open_err("/tmp/ws/new", O_CREAT | O_RDWR);
	res[C_WRITE_OUTSIDE] = open_err("/tmp/other/f", O_CREAT | O_WRONLY);
	res[C_CONNECT_OK] = tcp_connect_err(AF_INET, "127.0.0.1", env->port_ok);
	res[C_CONNECT_DENIED] = tcp_connect_err(AF_INET, "127.0.0.1", env->port_denied);
	res[C_CONNECT6_DENIED] = tcp_connect_err(AF_INET6, "::1", env->port_denied);
	res[C_CONNECT_MAPPED] = tcp_connect_err(AF_INET6, "::ffff:127.0.0.1", env->port_denied);
	res[C_UDP_DENIED] = udp_sendto_err("127.0.0.1", env->port_denied);
	res[C_TFO_DENIED] = tfo_sendto_err("127.0.0.1", env->port_denied);
	res[C_UNIX_OK] = unix_connect_err("/tmp/ok.sock");
	res[C_UNIX_DENIED] = unix_connect_err("/tmp/denied.sock");
	res[C_UNIX_RESOLVED] = unix_connect_err("/tmp/ws/alias.sock");
}

/* In the agent's cgroup: execs and mappings, and the self-protection hooks. */
static void agent_checks_protect(const struct env *env, int *res)
{
	int ptr;

	res[C_EXEC_OK] = exec_err("/bin/busybox");
	res[C_EXEC_DENIED] = exec_err(DENIED_BIN);
	res[C_EXEC_LINK] = exec_err(DENIED_LINK);
	res[C_MMAP_EXEC] = mmap_err(DENIED_BIN, false);
	res[C_MPROTECT_EXEC] = mmap_err(DENIED_BIN, true);
	res[C_MMAP_WRITTEN] = -copy_file("/bin/busybox", "/tmp/ws/mapped", 0755);
	if (!res[C_MMAP_WRITTEN])
		res[C_MMAP_WRITTEN] = mmap_err("/tmp/ws/mapped", false);
	res[C_MMAP_OLD] = mmap_err("/bin/busybox", false);
	res[C_BPF] = bpf_err();
	res[C_KILL_OUTSIDE] = kill(env->outsider, SIGTERM) ? errno : 0;
	res[C_KILL_INSIDE] = kill_inside_err();
	ptr = ptrace(PTRACE_ATTACH, env->outsider, NULL, NULL);
	res[C_PTRACE_OUTSIDE] = ptr ? errno : 0;
	if (!ptr)
		ptrace(PTRACE_DETACH, env->outsider, NULL, NULL);
	res[C_MOUNT] = mount("none", "/tmp/ws", "tmpfs", 0, NULL) ? errno : 0;
	if (!res[C_MOUNT])
		umount("/tmp/ws");
	res[C_USERNS] = userns_err();
	res[C_SOCK_PACKET] = sock_err(AF_PACKET, SOCK_RAW, 0);
	res[C_SOCK_RAW] = sock_err(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	res[C_SOCK_MPTCP] = sock_err(AF_INET, SOCK_STREAM, 262 /* IPPROTO_MPTCP */);
	res[C_SOCK_VSOCK] = sock_err(40 /* AF_VSOCK */, SOCK_STREAM, 0);
	res[C_SOCK_TCP] = sock_err(AF_INET, SOCK_STREAM, 0);
	res[C_CGROUP_PROCS] = open_err("/sys/fs/cgroup/cgroup.procs", O_WRONLY);
	res[C_CLONE_INTO] = clone_into_err();
}

/* In the agent's cgroup: other ways to a denied file or address. */
static void agent_checks_escapes(const struct env *env, int *res)
{
	res[C_OPENAT2] = openat2_err(SSH "/id_rsa");
	res[C_OPATH_REOPEN] = opath_reopen_err(SSH "/id_rsa");
	res[C_SYMLINK] = symlink_err(SSH "/id_rsa", "/tmp/ws/link");
	res[C_PROC_ROOT] = open_err("/proc/self/root" SSH "/id_rsa", O_RDONLY);
	res[C_LINK_SECRET] = link_err(SSH "/id_rsa", "/tmp/ws/k");
	res[C_LINK_TMP] = link_err(SSH "/id_rsa", "/tmp/x");
	res[C_LINK_LATER] = link_err(SSH "/later_key", "/tmp/ws/k");
	res[C_LINK_OPATH] = link_opath_err(SSH "/id_rsa", "/tmp/ws/k");
	res[C_LINK_RO] = link_err("/tmp/ro/file", "/tmp/ws/ro");
	res[C_LINK_WS] = link_err("/tmp/ws/new", "/tmp/ws/new-link");
	res[C_RENAME_SECRET] = rename_err(SSH "/id_rsa", "/tmp/ws/moved");
	res[C_RENAME_SSH] = rename_err(SSH, "/tmp/home/ssh2");
	res[C_RENAME_HOME] = rename_err("/tmp/home", "/tmp/ws/home");
	res[C_RENAME_WS] = rename_err("/tmp/ws/new", "/tmp/ws/renamed");
	res[C_MEMFD_EXECVEAT] = memfd_exec_err(false);
	res[C_MEMFD_PROC] = memfd_exec_err(true);
	res[C_URING_OPEN_OK] = uring_open_err("/tmp/home/notes", false);
	res[C_URING_OPEN] = uring_open_err(SSH "/id_rsa", false);
	res[C_URING_OPEN_ASYNC] = uring_open_err(SSH "/id_rsa", true);
	res[C_URING_CONNECT] = uring_connect_err(env->port_denied);
	res[C_URING_CONNECT_OK] = uring_connect_err(env->port_ok);
}

static void agent_checks(const struct env *env, int *res)
{
	agent_checks_rules(env, res);
	agent_checks_protect(env, res);
	agent_checks_escapes(env, res);
}

/* Creates the files, listeners and the outsider. Returns 0 or -errno. */
static int setup(struct env *env)
{
	static const char *dirs[] = { "/tmp/ws", "/tmp/home", SSH, "/tmp/home/.sshx", "/tmp/other",
				      "/tmp/bin", "/tmp/ro" };
	static const char *files[] = { SSH "/id_rsa", "/tmp/home/notes", "/tmp/home/.sshx/f",
				       "/tmp/ro/file" };
	int r = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkdir(dirs[i], 0755);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && !r; i++)
		r = write_file(files[i], "secret\n");
	r = r ?: copy_file("/bin/busybox", DENIED_BIN, 0755);
	if (!r && link(DENIED_BIN, DENIED_LINK) && errno != EEXIST)
		r = -errno;
	for (int i = 0; i < 2 && !r; i++) {
		int fd = tcp_listener(i ? &env->port_denied : &env->port_ok);

		r = fd < 0 ? fd : 0; /* kept open until the test exits */
	}
	r = r ?: udp_socket_at(env->port_denied);
	r = r ?: unix_listener("/tmp/ok.sock");
	r = r ?: unix_listener("/tmp/denied.sock");
	if (!r && symlink("/tmp/denied.sock", "/tmp/ws/alias.sock") && errno != EEXIST)
		r = -errno;
	if (r)
		return r;
	env->outsider = fork();
	if (env->outsider == 0) {
		for (;;)
			pause();
	}
	return env->outsider < 0 ? -errno : 0;
}

/* The rulebook loads, then files appear under the denied directory. */
static int create_later(void)
{
	mkdir(SSH "/later", 0755);
	return write_file(SSH "/later_key", "k\n") ?: write_file(SSH "/later/key", "k\n");
}

static void report(const int *res, const char *part, bool userns_hook)
{
	for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
		const struct expect *x = &expects[i];

		if (x->c == C_USERNS && !userns_hook) {
			tap_skip("%s: %s: this kernel has no userns_create hook (6.1+)", part,
				 x->what);
			continue;
		}
		tap_ok(res[x->c] == x->err, "%s: %s (got %s)", part, x->what,
		       res[x->c] ? strerror(res[x->c]) : "success");
	}
}

/* The same calls from outside the cgroup: the layer must not touch them. */
static void outside_checks(const struct env *env)
{
	int e;

	e = open_err(SSH "/id_rsa", O_RDONLY);
	tap_ok(!e, "outside the cgroup: open(" SSH "/id_rsa) works (got %s)", strerror(e));
	e = tcp_connect_err(AF_INET, "127.0.0.1", env->port_denied);
	tap_ok(!e, "outside the cgroup: connect(denied port) works (got %s)", strerror(e));
	e = exec_err(DENIED_BIN);
	tap_ok(!e, "outside the cgroup: exec of the denied binary works (got %s)", strerror(e));
	e = bpf_err();
	tap_ok(!e, "outside the cgroup: bpf() works (got %s)", strerror(e));
	e = mmap_err(DENIED_BIN, false);
	tap_ok(!e, "outside the cgroup: mmap(PROT_EXEC) of the denied binary works (got %s)",
	       strerror(e));
	e = link_err(SSH "/id_rsa", "/tmp/ws/k");
	tap_ok(!e, "outside the cgroup: link() of the secret into the workspace works (got %s)",
	       strerror(e));
	e = uring_open_err(SSH "/id_rsa", true);
	tap_ok(!e, "outside the cgroup: io_uring openat of the secret works (got %s)", strerror(e));
	tap_ok(kill(env->outsider, 0) == 0, "the process outside the cgroup is still alive");
}

static void check_events(int events_fd, const char *part)
{
	static const struct {
		int kind;
		const char *name;
	} want[] = { { SX_EV_OPEN, "open" }, { SX_EV_CONNECT, "connect" },
		     { SX_EV_SENDMSG, "sendmsg" }, { SX_EV_EXEC, "exec" },
		     { SX_EV_MMAP, "mmap" },	 { SX_EV_BPF, "bpf" },
		     { SX_EV_KILL, "kill" },	 { SX_EV_PTRACE, "ptrace" },
		     { SX_EV_MOUNT, "mount" },	 { SX_EV_SOCKET, "socket" },
		     { SX_EV_LINK, "link and rename" } };
	struct event_tally t = { 0 };

	if (tally_events(events_fd, &t) < 0) {
		tap_ok(false, "%s: the event ring buffer can be read", part);
		return;
	}
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		tap_ok(t.lsm_deny[want[i].kind] > 0,
		       "%s: %s denials were logged with layer bpf-lsm (%d)", part, want[i].name,
		       t.lsm_deny[want[i].kind]);
	tap_ok(t.open_secret, "%s: an open event names " SSH "/id_rsa with its rule", part);
	tap_ok(t.link_secret, "%s: a link event names " SSH "/id_rsa, the file linked", part);
	tap_ok(t.rename_refused, "%s: a refused rename is an event of its own (op rename)", part);
}

/* Runs the agent checks in a child in the cgroup and reports them. */
static void run_part(const struct env *env, const char *part, int events_fd, bool userns_hook)
{
	int res[C_NCHECKS];
	int r = in_cgroup(&env->base, (void (*)(const void *, int *))agent_checks, env, res,
			  sizeof(res));

	tap_ok(!r, "%s: a child in the cgroup ran the checks (%s)", part, r ? strerror(-r) : "ok");
	if (r)
		return;
	report(res, part, userns_hook);
	check_events(events_fd, part);
}

static void open_fn(const void *path, int *res)
{
	*res = open_err(path, O_RDONLY);
}

/* open(path) from a new child in the cgroup: its errno, or -1 when no child ran. */
static int agent_open(const struct env *env, const char *path)
{
	int res;

	return in_cgroup(&env->base, open_fn, path, &res, sizeof(res)) ? -1 : res;
}

/*
 * The open cache must not outlive a name: a file and a directory the agent
 * opened are moved under the denied directory by a process outside the
 * run (the agent itself may not), and the next open by the new name is
 * denied; a file opened by a name that is then unlinked, while a hard link
 * under the denied directory stays, is denied by that name.
 */
static void cache_checks(const struct env *env)
{
	int e;

	mkdir("/tmp/home/movedir", 0755);
	if (write_file("/tmp/home/moveme", "x\n") || write_file("/tmp/home/movedir/f", "x\n") ||
	    write_file("/tmp/home/unlinkme", "x\n")) {
		tap_ok(false, "cache: set up the files to move");
		return;
	}
	e = agent_open(env, "/tmp/home/moveme");
	tap_ok(e == 0, "cache: open(/tmp/home/moveme) works (got %d)", e);
	e = agent_open(env, "/tmp/home/moveme");
	tap_ok(e == 0, "cache: and again (got %d)", e);
	tap_ok(!rename("/tmp/home/moveme", SSH "/moved"), "cache: moved under " SSH " from outside");
	e = agent_open(env, SSH "/moved");
	tap_ok(e == EACCES, "cache: open(" SSH "/moved) of the moved file is denied (got %d)", e);
	e = agent_open(env, "/tmp/home/movedir/f");
	tap_ok(e == 0, "cache: open(/tmp/home/movedir/f) works (got %d)", e);
	tap_ok(!rename("/tmp/home/movedir", SSH "/movedir"), "cache: its directory moved under " SSH);
	e = agent_open(env, SSH "/movedir/f");
	tap_ok(e == EACCES, "cache: open(" SSH "/movedir/f) is denied (got %d)", e);
	e = agent_open(env, "/tmp/home/unlinkme");
	tap_ok(e == 0, "cache: open(/tmp/home/unlinkme) works (got %d)", e);
	tap_ok(!link("/tmp/home/unlinkme", SSH "/linked") && !unlink("/tmp/home/unlinkme"),
	       "cache: linked under " SSH " and the first name unlinked, from outside");
	e = agent_open(env, SSH "/linked");
	tap_ok(e == EACCES, "cache: open(" SSH "/linked) is denied (got %d)", e);
}

static int part1(struct env *env, struct policy *p)
{
	char err[512] = "", desc[512];
	struct lsmlayer *l = NULL;
	int r;

	r = lsm_open(p, NULL, NULL, env->base.cgroup_fd, &l, err, sizeof(err));
	tap_ok(!r, "alone: the layer loads with its own maps (%s)", r ? err : "ok");
	if (r)
		return r;
	r = lsm_attach(l, NULL);
	tap_ok(!r, "alone: the layer attaches (%s)", r ? strerror(-r) : "ok");
	lsm_describe(l, desc, sizeof(desc));
	printf("# %s\n", desc);
	r = r ?: create_later();
	if (!r) {
		run_part(env, "alone", lsm_denials_fd(l), strstr(desc, " userns_create") != NULL);
		outside_checks(env);
		cache_checks(env);
	}
	lsm_close(l, NULL);
	return r;
}

/* As `sevorix run` loads it: sharing the network layer's maps, links pinned. */
static int part2(struct env *env, struct policy *p)
{
	const char *pins = "/sys/fs/bpf/sx_lsm_test";
	char err[512] = "", desc[512];
	struct netlayer *nl = NULL;
	struct execlayer *x = NULL;
	struct observer *obs = NULL;
	struct lsmlayer *l = NULL;
	int r;

	mkdir(pins, 0700);
	r = netlayer_open(p, &nl, err, sizeof(err));
	r = r ?: exec_open(p, nl, env->base.cgroup_fd, pins, &x, err, sizeof(err));
	r = r ?: observe_start(nl, x, &obs);
	tap_ok(!r, "shared: the network maps and exec tracker load (%s)", r ? err : "ok");
	if (!r) {
		r = lsm_open(p, nl, x, env->base.cgroup_fd, &l, err, sizeof(err));
		tap_ok(!r, "shared: the layer loads on the network layer's maps (%s)",
		       r ? err : "ok");
	}
	if (!r) {
		r = lsm_attach(l, pins);
		tap_ok(!r, "shared: the layer attaches and pins its links (%s)",
		       r ? strerror(-r) : "ok");
	}
	if (!r) {
		lsm_describe(l, desc, sizeof(desc));
		run_part(env, "shared", netlayer_map_fd(nl, "sx_denials"),
			 strstr(desc, " userns_create") != NULL);
	}
	lsm_close(l, pins);
	observe_stop(obs);
	exec_close(x, pins);
	netlayer_close(nl, pins);
	rmdir(pins);
	return r;
}

int main(void)
{
	struct env env = { 0 };
	struct policy *p = NULL;
	int r;

	if (!in_guest())
		return 0;
	setenv("SEVORIX_VERBOSE", "2", 0); /* a load failure prints libbpf's and the verifier's log */
	r = lsm_test_env(&env.base, "sx_lsm_layer");
	r = r ?: setup(&env);
	tap_ok(!r, "set up a cgroup, files, listeners and a process outside (%s)",
	       r ? strerror(-r) : "ok");
	if (!r) {
		r = load_policy(policy_fmt, env.port_ok, env.port_ok, &p);
		tap_ok(!r, "the rulebook loads");
	}
	if (!r)
		part1(&env, p);
	if (!r)
		part2(&env, p);
	policy_free(p);
	if (env.outsider > 0) {
		kill(env.outsider, SIGKILL);
		waitpid(env.outsider, NULL, 0);
	}
	lsm_test_env_free(&env.base);
	return tap_done();
}
