/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rulebook exec rules about shells reached from inside other programs
 * (see rulebook.h): MITRE ATT&CK's abuse of elevation control (T1548.003,
 * sudo) and command interpreters (T1059) through programs that run code
 * or commands of their own -- interpreters, editors, pagers, database
 * clients, and the many tools that start another program (a debugger, a
 * tracer, a lock, a scheduler, version control, an archiver's hooks).
 *
 * What counts is evidence, not the program: `sudo vim /etc/hosts` and
 * `sudo less /var/log/auth.log` are everyday administration; `sudo vim
 * -c ':!sh'`, `sudo python3 -c CODE`, `psql -c '\! sh'`, `flock -u /
 * /bin/sh`, `git -c core.pager='sh ...'` are not. The evidence is code
 * or commands handed to the program, a shell started through it, or a
 * privilege file edited with it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jury/jurors/rulebook/rulebook.h"

static const char *const editors[] = {
	"vi", "vim", "nvim", "rvim", "view", "vimdiff", "ex", "ed", "red", "nano", "pico",
	"emacs", "joe", "jed", "mcedit", "micro", "kak", "hx", NULL,
};
static const char *const pagers[] = {
	"less", "more", "most", "pg", "man", "lv", NULL,
};
static const char *const db_clients[] = {
	"mysql", "mariadb", "psql", "sqlite3", "sqlite", "mongo", "mongosh", "redis-cli",
	"sqlplus", "clickhouse-client", "cqlsh", "duckdb", NULL,
};
/* Interpreters besides rb_interps that run code given to them. */
static const char *const more_interps[] = {
	"irb", "wish", "jjs", "rhino", "Rscript", "julia", "guile", "sbcl", "clisp", "ghci",
	"runghc", "groovy", "erl", "escript", "iex", "elixir", "crystal", "gdb", "expect",
	"php-cgi", NULL,
};
/* Programs that start another program they are given (a shell after them is spawned). */
static const char *const launchers[] = {
	"flock", "strace", "ltrace", "script", "watch", "timeout", "nice", "ionice", "taskset",
	"setsid", "stdbuf", "unshare", "chroot", "nsenter", "busybox", "capsh", "setpriv",
	"runuser", "chpst", "start-stop-daemon", "systemd-run", "rlwrap", "time", "valgrind",
	"setarch", "linux32", "linux64", "fakeroot", "firejail", "torify", "proxychains",
	"proxychains4", "xargs", "dbus-launch", NULL,
};
/* Text that starts a shell with no script, in a launcher's, debugger's or client's arguments. */
static const char *const spawn_marks[] = {
	"/bin/sh", "/bin/bash", "/bin/dash", "/bin/zsh", "/bin/ksh", "sh -i", "bash -i",
	"sh -p", "bash -p", "exec sh", "exec bash", "sh <&", "sh 0<", "sh 1>", "sh >&",
	"bash <&", "spawn sh", "spawn bash", "spawn /bin", "!sh", "!bash", "!/bin", NULL,
};
/* A database client's own ways to run a command. */
static const char *const db_marks[] = {
	"\\!", ".shell", ".system", "to program", "from program", "run(\"sh", "run('sh",
	"runprogram", NULL,
};
/* An editor's or pager's commands that reach a shell. */
static const char *const editor_marks[] = {
	"!", ":sh", "shell", ":term", "system(", "py ", "python", "lua ", "perl ", NULL,
};
/* Options that hand an editor or pager commands to run. */
static const char *const command_opts[] = {
	"-c", "--cmd", "-S", "-s", "--eval", "-eval", "-l", "--load", "-x", NULL,
};

static bool in_any(const char *p, const char *const *a, const char *const *b)
{
	return rb_in(p, a) || (b && rb_in(p, b));
}

static bool is_interp(const char *p)
{
	return rb_in(p, rb_interps) || rb_in(p, more_interps) || !strncmp(p, "python", 6) ||
	       !strncmp(p, "ruby", 4) || !strncmp(p, "perl", 4) || !strncmp(p, "php", 3) ||
	       !strncmp(p, "lua", 3) || !strncmp(p, "node", 4);
}

/* The options that hand an interpreter its code, by language. */
static const char *const *code_opts(const char *p)
{
	static const char *const c_opt[] = {
		"-c", NULL,
	};
	static const char *const e_opt[] = {
		"-e", "-E", "--eval", "-p", "--print", NULL,
	};
	static const char *const r_opt[] = {
		"-r", NULL,
	};
	static const char *const gdb_opt[] = {
		"-ex", "-x", "--batch", "-batch", "--eval-command", NULL,
	};

	if (!strncmp(p, "python", 6) || !strcmp(p, "expect") || !strcmp(p, "tclsh"))
		return c_opt;
	if (!strncmp(p, "php", 3))
		return r_opt;
	if (!strcmp(p, "gdb"))
		return gdb_opt;
	return e_opt;
}

/* Is code handed to the interpreter (an option, a here-string, a pipe), not a script file? */
static bool inline_code(const struct rb_ctx *x, const struct shlex_cmd *c)
{
	const char *const *opts = code_opts(shlex_prog(c));

	/* options before the script or module: what follows them is the program's */
	for (int i = c->prog + 1; i < c->argc && c->argv[i][0] == '-' && strcmp(c->argv[i], "-m");
	     i++)
		if (rb_in(c->argv[i], opts) || (opts[0][1] == 'e' && !strncmp(c->argv[i], "-e", 2)))
			return true;
	for (int k = 0; k < c->nredir; k++) {
		enum shlex_redir_op op = x->res->redirs[c->redir_first + k].op;

		if (op == SHLEX_R_HERESTRING || op == SHLEX_R_HEREDOC)
			return true;
	}
	return c->pipe_prev >= 0;
}

/* Operands: the arguments after the program that are not options. */
static int operands(const struct shlex_cmd *c)
{
	int n = 0;

	for (int i = c->prog + 1; i < c->argc; i++)
		n += c->argv[i][0] != '-' && c->argv[i][0] != '+';
	return n;
}

/* An editor or pager given commands to run: -c CMD, +CMD, --cmd. */
static bool given_commands(const struct shlex_cmd *c)
{
	for (int i = c->prog + 1; i < c->argc; i++)
		if (rb_in(c->argv[i], command_opts) ||
		    (c->argv[i][0] == '+' && c->argv[i][1] && c->argv[i][1] != 'F' &&
		     !(c->argv[i][1] >= '0' && c->argv[i][1] <= '9')))
			return true;
	return false;
}

/* An editor or pager told to run a shell command (vi -c ':!sh', less -c '!sh'). */
static bool editor_escape(const struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	return in_any(p, editors, pagers) && given_commands(c) &&
	       rb_mentions(x->res, c, editor_marks);
}

/* sudo with a program that runs code or commands of its own. */
static void sudo_programs(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (is_interp(p) && rb_arg_eq(c, "-m") && rb_arg_has(c, "http.server"))
		return; /* judged as a file server (net.c) */
	if (is_interp(p) && inline_code(x, c))
		findings_add(&x->f, 0.93, "sudo runs %s code as root", p);
	else if (is_interp(p) && !operands(c) && !rb_arg_eq(c, "-m"))
		findings_add(&x->f, 0.9, "an interactive %s as root", p);
	if (in_any(p, editors, pagers) && given_commands(c))
		findings_add(&x->f, 0.93, "sudo %s runs commands as root (shell escape)", p);
	else if (rb_in(p, editors) && rb_arg_path(c, jurors_priv_paths))
		findings_add(&x->f, 0.88, "sudo %s edits %s (visudo and vipw check it)", p,
			     rb_arg_path(c, jurors_priv_paths));
	else if (rb_in(p, editors) && !operands(c))
		findings_add(&x->f, 0.8, "an editor with no file as root");
}

/* An interactive shell: a shell with no script (no -c, no file, nothing fed to it). */
static bool interactive_shell(const struct rb_ctx *x, const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	if (!rb_in(p, rb_shells) || !strcmp(p, "source") || !strcmp(p, ".") || !strcmp(p, "eval") ||
	    c->pipe_prev >= 0)
		return false;
	for (int k = 0; k < c->nredir; k++)
		if (x->res->redirs[c->redir_first + k].op == SHLEX_R_IN ||
		    x->res->redirs[c->redir_first + k].op == SHLEX_R_HERESTRING ||
		    x->res->redirs[c->redir_first + k].op == SHLEX_R_HEREDOC)
			return false;
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (w[0] != '-' || (w[1] != '-' && strchr(w + 1, 'c')))
			return false;
	}
	return true;
}

/* The launcher a command was started through (flock, strace, script ...), or NULL. */
static const char *launcher_of(const struct shlex_cmd *c)
{
	for (int i = 0; i < c->prog && i < c->argc; i++) {
		const char *b = shlex_basename(c->argv[i]);

		if (rb_in(b, launchers))
			return b;
		if (!strcmp(b, "env") && i + 1 < c->prog && !strcmp(c->argv[i + 1], "-i"))
			return "env -i";
	}
	return NULL;
}

/* find -exec with a shell that has no script: `find . -exec /bin/sh \\; -quit`. */
static bool find_shell(const struct shlex_cmd *c)
{
	for (int i = c->prog + 1; i + 1 < c->argc; i++) {
		const char *next = i + 2 < c->argc ? c->argv[i + 2] : ";";

		if ((!strcmp(c->argv[i], "-exec") || !strcmp(c->argv[i], "-execdir") ||
		     !strcmp(c->argv[i], "-ok")) &&
		    rb_in(shlex_basename(c->argv[i + 1]), rb_shells) &&
		    (!strcmp(next, ";") || !strcmp(next, "-p") || !strcmp(next, "-i")))
			return true;
	}
	return false;
}

/* sudo sh -c '...; exec sh': the script run as root hands over an interactive shell. */
static bool root_script_shell(const struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (!c->sudo || !rb_in(p, rb_shells) || !rb_opt(c, 'c'))
		return false;
	for (int i = 0; i < x->res->ncmds; i++)
		if ((x->res->cmds[i].flags & SHLEX_F_SHELL_C) &&
		    interactive_shell(x, &x->res->cmds[i]))
			return true;
	return false;
}

/* A shell started from inside another program, or through one. */
static void spawned_shells(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *via, *mark;

	if (interactive_shell(x, c) && (via = launcher_of(c)))
		findings_add(&x->f, c->sudo ? 0.95 : 0.88, "an interactive shell through %s", via);
	else if (interactive_shell(x, c) && (c->flags & SHLEX_F_PROGRAM))
		findings_add(&x->f, c->sudo ? 0.95 : 0.9,
			     "a program's code starts an interactive shell (%s)", p);
	if (root_script_shell(x, c, p))
		findings_add(&x->f, 0.9, "a script run as root ends in an interactive shell");
	if (editor_escape(x, c, p))
		findings_add(&x->f, c->sudo ? 0.95 : 0.88, "%s runs a shell command", p);
	if ((rb_in(p, launchers) || !strcmp(p, "ftp") || !strcmp(p, "gdb") || !strcmp(p, "nmap") ||
	     rb_in(p, db_clients)) &&
	    (mark = rb_mentions(x->res, c, spawn_marks)))
		findings_add(&x->f, c->sudo ? 0.95 : 0.88, "%s spawns a shell (%s)", p, mark);
	if (!strcmp(p, "find") && find_shell(c))
		findings_add(&x->f, c->sudo ? 0.95 : 0.88, "find starts an interactive shell");
	if ((via = launcher_of(c)) && (mark = rb_mentions(x->res, c, spawn_marks)))
		findings_add(&x->f, c->sudo ? 0.95 : 0.88, "a shell through %s (%s)", via, mark);
}

/* Configuration that makes a tool run a command: git -c, tar, zip, rsync -e, ssh -o. */
static void command_hooks(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const git_keys[] = {
		"core.pager=", "core.sshcommand=", "core.editor=", "core.fsmonitor=",
		"credential.helper=!", "diff.external=", "sequence.editor=", "alias.", NULL,
	};
	static const char *const runs[] = {
		"sh ", "sh\"", "sh'", "bash", "/bin/", "|", ";", "$(", "`", "!", NULL,
	};

	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i], *eq = strchr(w, '=');
		bool runs_text = false;

		for (int k = 0; eq && runs[k]; k++)
			runs_text |= strstr(eq, runs[k]) != NULL;
		for (int k = 0; !strcmp(p, "git") && runs_text && git_keys[k]; k++)
			if (!strncasecmp(w, git_keys[k], strlen(git_keys[k])))
				findings_add(&x->f, c->sudo ? 0.95 : 0.88,
					     "git made to run a command (%.*s)", (int)(eq - w), w);
		if (!strcmp(p, "ssh") && runs_text &&
		    (strcasestr(w, "proxycommand=") || strcasestr(w, "localcommand=")) &&
		    (strstr(eq, "sh ") || strstr(eq, ";sh") || strstr(eq, "/bin/")))
			findings_add(&x->f, 0.88, "ssh made to run a shell (%.*s)", (int)(eq - w),
				     w);
	}
	if ((!strcmp(p, "tar") &&
	     (rb_arg_has(c, "--to-command") || rb_arg_has(c, "checkpoint-action=exec"))) ||
	    (!strcmp(p, "zip") && (rb_arg_eq(c, "-TT") || rb_long(c, "--unzip-command"))) ||
	    (!strcmp(p, "rsync") && (rb_opt(c, 'e') || rb_long(c, "--rsh")) &&
	     (rb_arg_has(c, "sh -c") || rb_arg_has(c, "sh 0<"))))
		findings_add(&x->f, c->sudo ? 0.95 : 0.85, "%s made to run a command", p);
	if ((!strcmp(p, "apt-get") || !strcmp(p, "apt") || !strcmp(p, "dpkg")) &&
	    rb_arg_has(c, "invoke") && (rb_arg_has(c, "/bin/") || rb_arg_has(c, "sh")))
		findings_add(&x->f, 0.9, "%s made to run a command (an Invoke hook)", p);
	if (!strcmp(p, "git") && c->sudo && (rb_opt(c, 'p') || rb_long(c, "--paginate")))
		findings_add(&x->f, 0.85, "sudo git opens a pager as root");
	if (rb_sudo_opt(c, "-R") || rb_sudo_opt(c, "--chroot") ||
	    (c->sudo && rb_arg_has(c, "--chroot=")))
		findings_add(&x->f, 0.9, "sudo told to change the root directory");
	if (!strcmp(p, "openssl") && c->sudo && rb_arg_has(c, "-engine"))
		findings_add(&x->f, 0.9, "openssl loads an engine library as root");
	if (!strcmp(p, "service") && c->sudo && rb_arg_has(c, "../"))
		findings_add(&x->f, 0.93, "service runs a path outside its scripts as root");
}

/* Database clients told to run a shell or reach the file system. */
static void db_escapes(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const file_ops[] = {
		"into outfile", "into dumpfile", "load_file(", "lo_export", "lo_import",
		"pg_read_file", "config set dir", "module load", "copy (", NULL,
	};

	if (!rb_in(p, db_clients))
		return;
	if (rb_mentions(x->res, c, db_marks))
		findings_add(&x->f, c->sudo ? 0.95 : 0.9, "%s runs a shell command", p);
	else if (c->sudo && !operands(c) && !inline_code(x, c) && !rb_sudo_opt(c, "-u"))
		findings_add(&x->f, 0.6, "a %s shell as root", p);
	for (int i = 0; file_ops[i]; i++)
		if (rb_arg_has(c, file_ops[i]) &&
		    (rb_arg_has(c, "/etc/") || rb_arg_has(c, "/root") || rb_arg_has(c, "/tmp") ||
		     rb_arg_has(c, ".ssh") || rb_arg_has(c, "program") || rb_arg_has(c, ".so"))) {
			findings_add(&x->f, 0.9, "%s reads or writes system files", p);
			break;
		}
}

/*
 * A debugger attached to a running process and given commands to run in
 * it without a person at the prompt (gdb -p PID -batch -ex 'call ...',
 * lldb -p PID -o ...): code injected into another program (ATT&CK T1055.008).
 * An interactive `gdb -p PID` is a developer's debugging and stays allowed.
 */
static bool debugger_injects(const struct shlex_cmd *c, const char *p)
{
	static const char *const scripted[] = {
		"-ex", "-x", "-batch", "--batch", "--eval-command", "-eval-command", "-o",
		"--one-line", NULL,
	};
	bool attached = false, commands = false;

	if (strcmp(p, "gdb") && strcmp(p, "lldb"))
		return false;
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		attached |= !strcmp(w, "-p") || !strncmp(w, "--pid", 5) || !strcmp(w, "attach") ||
			    !strncmp(w, "-pid", 4) || !strncmp(w, "--attach-pid", 12);
		commands |= rb_in(w, scripted) || !strncmp(w, "--eval-command=", 15);
	}
	return attached && commands;
}

void rb_exec_escape(struct rb_ctx *x, const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	if (c->argc == 0)
		return;
	if (c->sudo)
		sudo_programs(x, c, p);
	spawned_shells(x, c, p);
	command_hooks(x, c, p);
	db_escapes(x, c, p);
	if (!strcmp(p, "expect") && rb_arg_has(c, "spawn") && !rb_arg_has(c, "spawn ssh"))
		findings_add(&x->f, 0.85, "expect spawns and hands over a program");
	if (is_interp(p) && rb_arg_has(c, "pty") && rb_arg_has(c, "spawn"))
		findings_add(&x->f, 0.85, "%s gives a shell a terminal (pty spawn)", p);
	if (debugger_injects(c, p))
		findings_add(&x->f, 0.9, "%s runs commands inside a running process (injection)", p);
}
