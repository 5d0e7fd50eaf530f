// SPDX-License-Identifier: GPL-2.0-only
/*
 * lang_try: running a language without executing its interpreter, for
 * tests/escape/lang.t. Prints what the language printed ("OK"), or the
 * errno name when a step was refused; 2 on bad usage.
 *
 *   lang_try dlopen LIB CODE   load the interpreter's library (libperl) and
 *                              run CODE in it: no exec at all
 *   lang_try mmap FILE         map FILE with PROT_EXEC, the first step of
 *                              loading a program by hand (no execve)
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fail(void)
{
	printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "E?");
	return 1;
}

/* Embeds perl through libperl's own entry points (perlembed(1)), found with dlsym. */
static int run_perl(const char *lib, char *code)
{
	char *args[] = { "", "-e", code, NULL }, **argv = args, *envs[] = { NULL }, **env = envs;
	void (*sysinit)(int *, char ***, char ***);
	int (*parse)(void *, void *, int, char **, char **), (*run)(void *), argc = 3;
	void *(*alloc)(void), (*construct)(void *), *h, *perl;
	int fd = open(lib, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(); /* the files layer refused to read it */
	close(fd);
	h = dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
	if (!h) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	sysinit = dlsym(h, "Perl_sys_init3");
	alloc = dlsym(h, "perl_alloc");
	construct = dlsym(h, "perl_construct");
	parse = dlsym(h, "perl_parse");
	run = dlsym(h, "perl_run");
	if (!sysinit || !alloc || !construct || !parse || !run)
		return fail();
	sysinit(&argc, &argv, &env);
	perl = alloc();
	construct(perl);
	return parse(perl, NULL, argc, argv, NULL) || run(perl);
}

static int map_exec(const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	void *m;

	if (fd < 0)
		return fail();
	m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return fail();
	printf("OK\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "dlopen"))
		return run_perl(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "mmap"))
		return map_exec(argv[2]);
	fprintf(stderr, "usage: lang_try dlopen LIB CODE | mmap FILE\n");
	return 2;
}
