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

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_null FILE\n");
		return 2;
	}
	if ((p = pcap_open_offline(argv[1], err)) == NULL) {
		fprintf(stderr, "pcap_null: %s\n", err);
		return 1;
	}
	pcap_loop(p, -1, count, (u_char *)&n);
	pcap_close(p);
	printf("%llu\n", n);
	return 0;
}
