/*
 * pcap_null.c - benchmark baseline: read a capture with pcap_loop and do
 * nothing per packet but count.  The sensor's speed is reported against it.
 */
#include <pcap/pcap.h>
#include <stdio.h>

static void
count(u_char *arg, const struct pcap_pkthdr *h, const u_char *d)
{
	(void)h;
	(void)d;
	(*(unsigned long long *)(void *)arg)++;
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	unsigned long long n = 0;
	pcap_t *p;
	FILE *f;

	/* -b: read through a 1 MiB stdio buffer, as the sensor does, so the
	 * comparison can separate I/O from per-packet work. */
	if (argc == 3 && argv[1][0] == '-' && argv[1][1] == 'b') {
		if ((f = fopen(argv[2], "rb")) == NULL) {
			perror(argv[2]);
			return 1;
		}
		/* A real buffer: glibc ignores the size without one. */
		static char buf[1 << 20];

		setvbuf(f, buf, _IOFBF, sizeof(buf));
		p = pcap_fopen_offline(f, err);
	} else if (argc == 2)
		p = pcap_open_offline(argv[1], err);
	else {
		fprintf(stderr, "usage: pcap_null [-b] FILE\n");
		return 2;
	}
	if (p == NULL) {
		fprintf(stderr, "pcap_null: %s\n", err);
		return 1;
	}
	pcap_loop(p, -1, count, (u_char *)&n);
	pcap_close(p);
	printf("%llu\n", n);
	return 0;
}
