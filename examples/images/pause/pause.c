/*
 * pause: the process that holds a pod's namespaces open for k8ts.
 *
 * It does nothing but wait: every container of the pod joins its namespaces, so it must live as
 * long as the pod. As PID 1 of a shared PID namespace it also collects exited orphans, so that
 * they do not pile up as zombies. SIGINT and SIGTERM end it with status 0.
 *
 * Written for k8ts; built statically so the image needs no C library.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define VERSION "3.9-k8ts"

static void stop(int sig) {
	(void)sig;
	_exit(0);
}

static void reap(int sig) {
	int saved = errno;
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0) {
	}
	errno = saved;
}

static void on(int sig, void (*handler)(int)) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = sig == SIGCHLD ? SA_NOCLDSTOP | SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0) {
		fprintf(stderr, "pause: sigaction(%d): %s\n", sig, strerror(errno));
		_exit(1);
	}
}

int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		printf("pause %s\n", VERSION);
		return 0;
	}
	if (getpid() != 1) {
		/* Still useful for tests and debugging; only zombie collection needs PID 1. */
		fprintf(stderr, "pause: warning: not PID 1, orphans will not be reaped here\n");
	}
	on(SIGINT, stop);
	on(SIGTERM, stop);
	on(SIGCHLD, reap);
	for (;;) {
		pause();
	}
}
