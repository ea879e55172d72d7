/*
 * seccomp-probe.c - test helper for the sensor's seccomp allow-list:
 * installs privdrop_seccomp(), then does allowed work (write, file I/O)
 * and, with "forbidden", a syscall outside the list (socket, execve or
 * ptrace).  The filter must kill it with SIGSYS.
 * Usage: seccomp-probe allowed|forbidden-socket|forbidden-exec|forbidden-ptrace
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <unistd.h>

#include "privdrop.h"

int
main(int argc, char **argv)
{
	char buf[16];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: seccomp-probe allowed|forbidden-socket|"
		    "forbidden-exec|forbidden-ptrace\n");
		return 2;
	}
	/* A new socket is the writer's right (collector sinks), never the
	 * engine's, which parses the packets: probe it under the engine's. */
	if ((strcmp(argv[1], "forbidden-socket") == 0 ?
	    privdrop_seccomp_engine() : privdrop_seccomp()) < 0) {
		fprintf(stderr, "seccomp-probe: cannot install the filter\n");
		return 3;
	}
	/* Allowed: what the sensor does after start-up. */
	if ((fd = open("/proc/self/status", O_RDONLY)) < 0 ||
	    read(fd, buf, sizeof(buf)) <= 0 || close(fd) < 0)
		return 4;
	printf("filtered\n");
	fflush(stdout);
	if (strcmp(argv[1], "forbidden-socket") == 0)
		(void)socket(AF_INET, SOCK_STREAM, 0);
	else if (strcmp(argv[1], "forbidden-exec") == 0)
		execl("/bin/true", "true", (char *)NULL);
	else if (strcmp(argv[1], "forbidden-ptrace") == 0)
		(void)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	else if (strcmp(argv[1], "allowed") != 0)
		return 2;
	printf("survived\n");
	return 0;
}
